// Counts in Redis, shared by every replica: one round trip per request (a Lua script increments
// and sets the expiry atomically). Redis being slow or down must never hold up a request, so
// commands fail fast instead of queueing, and the caller lets the request through.
import { Redis } from 'ioredis';
import type { RateLimitStore } from './store.ts';

const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

export interface RedisStoreOptions {
  url: string;
  /** A command slower than this fails (and the request is let through). */
  commandTimeoutMs: number;
}

export function createRedisStore(options: RedisStoreOptions): RateLimitStore {
  const redis = new Redis(options.url, {
    // Fail at once while disconnected instead of queueing commands behind the reconnect.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.commandTimeoutMs * 4,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    keyPrefix: 'myapp:ratelimit:',
    lazyConnect: false,
  });
  // Errors surface through the failing commands; an unhandled 'error' event would crash.
  redis.on('error', () => {});
  return {
    async hit(key, windowMs) {
      const [count, resetMs] = (await redis.eval(HIT, 1, key, windowMs)) as [number, number];
      return { count, resetMs };
    },
    async close() {
      redis.disconnect();
    },
  };
}
