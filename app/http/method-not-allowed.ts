// A known path asked with a method it does not support: 405 with `Allow` (RFC 9110 §15.5.6).
// OPTIONS on a known path answers 204 with the same `Allow`.
import type { Hono, MiddlewareHandler } from 'hono';
import { methodNotAllowed as honoMethodNotAllowed } from 'hono/method-not-allowed';
import { problemResponse } from './problem.ts';

export function methodNotAllowed(app: Hono): MiddlewareHandler {
  return honoMethodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) => {
      const allow = [...methods, 'OPTIONS'].join(', ');
      // A fresh Response: the 404 it replaces must not leak its headers into the 204.
      if (c.req.method === 'OPTIONS')
        return new Response(null, { status: 204, headers: { Allow: allow } });
      return problemResponse(c, 'method-not-allowed', {
        detail: `${c.req.method} is not supported here; use one of: ${allow}.`,
        headers: { Allow: allow },
      });
    },
  }) as MiddlewareHandler;
}
