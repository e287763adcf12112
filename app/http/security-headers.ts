// The browser-facing security headers on every response: what Hono's secureHeaders() sets with
// `crossOriginResourcePolicy: 'same-origin'` (a unit test keeps the two the same), as a fixed
// list written once per response with setResponseHeaders (response-headers.ts) rather than a
// dozen `Headers.set` calls, each of which validates name and value on every request.
import type { MiddlewareHandler } from 'hono';
import { setResponseHeaders } from './response-headers.ts';

export const SECURITY_HEADERS: ReadonlyArray<readonly [name: string, value: string]> = [
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

export function securityHeaders(): MiddlewareHandler {
  return async function securityHeaders(c, next) {
    await next();
    setResponseHeaders(c, SECURITY_HEADERS);
  };
}
