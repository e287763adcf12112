// Per-client (per address: client-key.ts), per-version rate limits (v1, the deprecated version,
// has a lower limit than v2). Answers carry
// the IETF RateLimit-Policy / RateLimit fields (draft-ietf-httpapi-ratelimit-headers); a client
// over its limit gets a 429 problem with Retry-After. If the store fails, the request goes
// through: a broken Redis must not take the API down with it (fail open, reported).
import type { Context, MiddlewareHandler } from 'hono';
import type { ApiVersionId } from '../../api/versions.ts';
import type { AppEnv } from '../env.ts';
import { requestHeader } from '../incoming.ts';
import { problemResponse } from '../problem.ts';
import { setResponseHeader } from '../response-headers.ts';
import { clientAddress } from './client-key.ts';
import type { RateLimitStore } from './store.ts';

export interface RateLimitOptions {
  store: RateLimitStore;
  /** Requests per window for each version; a version without a limit is not limited. */
  limits: Partial<Record<ApiVersionId, number>>;
  windowMs: number;
  trustedProxyHops: number;
  /** Called when the store fails and the request is let through. */
  onStoreError: (error: unknown) => void;
}

/**
 * The TCP peer's address where the runtime exposes it: @hono/node-server puts Node's request in
 * env; the edge entry passes the address its runtime gave it (app/edge.ts).
 */
function socketAddress(c: Context<AppEnv>): string | undefined {
  const env = c.env as
    | { incoming?: { socket?: { remoteAddress?: string } }; remoteAddress?: string }
    | undefined;
  return env?.remoteAddress ?? env?.incoming?.socket?.remoteAddress;
}

export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const windowSeconds = Math.ceil(options.windowMs / 1000);
  return async function rateLimit(c, next) {
    const version = c.get('apiVersion')?.version;
    const limit = version && options.limits[version];
    if (!version || !limit) return next();
    const key = `${version}:ip:${clientAddress({
      forwardedFor: requestHeader(c, 'x-forwarded-for'),
      socketAddress: socketAddress(c),
      trustedProxyHops: options.trustedProxyHops,
    })}`;
    let counted: Awaited<ReturnType<RateLimitStore['hit']>>;
    try {
      counted = await options.store.hit(key, options.windowMs);
    } catch (error) {
      options.onStoreError(error);
      return next();
    }
    const resetSeconds = Math.max(1, Math.ceil(counted.resetMs / 1000));
    const fields = {
      'RateLimit-Policy': `"${version}";q=${limit};w=${windowSeconds}`,
      RateLimit: `"${version}";r=${Math.max(0, limit - counted.count)};t=${resetSeconds}`,
    };
    if (counted.count > limit) {
      return problemResponse(c, 'rate-limited', {
        detail: `More than ${limit} requests in ${windowSeconds} s to API ${version}; retry in ${resetSeconds} s.`,
        headers: { ...fields, 'Retry-After': String(resetSeconds) },
      });
    }
    await next();
    for (const [name, value] of Object.entries(fields)) setResponseHeader(c, name, value);
  };
}
