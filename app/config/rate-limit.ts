// The per-client, per-version rate limits, wherever the app runs; where the counts are kept
// is redis.ts (the edge counts in its isolate).
import { type ConfigOf, DAY_MS, integer, keyValueList, variables } from './variable.ts';

/** `v1=100,v2=1000` → { v1: 100, v2: 1000 }. Which versions exist is the registry's business. */
const rateLimits = keyValueList(
  /^(?:v\d+=\d{1,9}(?:\s*,\s*v\d+=\d{1,9})*)?$/,
  'v1=100,v2=1000',
  Number,
);

export const rateLimit = variables({
  RATE_LIMITS: {
    schema: rateLimits,
    default: 'v1=100,v2=1000',
    doc: 'Requests per client per window, per API version (`v1=100,v2=1000`; 0 or absent: unlimited).',
  },
  RATE_LIMIT_WINDOW_MS: {
    schema: integer(1_000, DAY_MS),
    default: '60000',
    doc: 'Length of the rate-limit window.',
  },
  TRUST_PROXY_HOPS: {
    schema: integer(0, 10),
    default: '0',
    doc: 'How many proxies in front of the app append to `X-Forwarded-For`; the client address is read that many entries from the right. 0: use the socket address.',
  },
});

export type RateLimitConfig = ConfigOf<typeof rateLimit>;
