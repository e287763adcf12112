// Per-client (per address: client-key.ts), per-policy rate limits: the app names a request's
// policy (the API version: v1, the deprecated version, has a lower limit than v2). Answers carry
// the IETF RateLimit-Policy / RateLimit fields (draft-ietf-httpapi-ratelimit-headers); a client
// over its limit gets a 429 problem with Retry-After. If the store fails, the request goes
// through: a broken Redis must not take the API down with it (fail open, reported).
import type { Context, MiddlewareHandler } from 'hono';
import { requestHeader } from '../incoming.ts';
import { problemResponse } from '../problem.ts';
import { setResponseHeader } from '../response-headers.ts';
import { clientAddress } from './client-key.ts';
import type { RateLimitStore } from './store.ts';

export interface RateLimitOptions {
  store: RateLimitStore;
  /** The policy a request counts under (its API version), or undefined for none. */
  policy: (c: Context) => string | undefined;
  /** Requests per window for each policy; a policy without a limit is not limited. */
  limits: Readonly<Partial<Record<string, number>>>;
  windowMs: number;
  trustedProxyHops: number;
  /** The TCP peer's address where the runtime exposes it (HttpDeps.peerAddress). */
  peerAddress: (c: Context) => string | undefined;
  /** Called when the store fails and the request is let through. */
  onStoreError: (error: unknown) => void;
}

export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const windowSeconds = Math.ceil(options.windowMs / 1000);
  // A policy's RateLimit-Policy value is the same on every answer: written once per policy.
  const policyFields = new Map<string, string>();
  const policyField = (policy: string, limit: number) => {
    let field = policyFields.get(policy);
    if (field === undefined) {
      field = `"${policy}";q=${limit};w=${windowSeconds}`;
      policyFields.set(policy, field);
    }
    return field;
  };
  return async function rateLimit(c, next) {
    const policy = options.policy(c);
    const limit = policy && options.limits[policy];
    if (!policy || !limit) return next();
    const key = `${policy}:ip:${clientAddress({
      forwardedFor: requestHeader(c, 'x-forwarded-for'),
      socketAddress: options.peerAddress(c),
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
    const policyValue = policyField(policy, limit);
    const remaining = `"${policy}";r=${Math.max(0, limit - counted.count)};t=${resetSeconds}`;
    if (counted.count > limit) {
      return problemResponse(c, 'rate-limited', {
        detail: `More than ${limit} requests in ${windowSeconds} s to API ${policy}; retry in ${resetSeconds} s.`,
        headers: {
          'RateLimit-Policy': policyValue,
          RateLimit: remaining,
          'Retry-After': String(resetSeconds),
        },
      });
    }
    await next();
    setResponseHeader(c, 'RateLimit-Policy', policyValue);
    setResponseHeader(c, 'RateLimit', remaining);
  };
}
