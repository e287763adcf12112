// Accepts a caller's X-Request-ID when it looks sane (so ids chain across services), otherwise
// makes one, and echoes it on the response. Anything else could inject junk into logs.
import type { MiddlewareHandler } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's id: the caller's X-Request-ID when sane, else a fresh UUID. */
    requestId: string;
  }
}

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(): MiddlewareHandler {
  return async function requestId(c, next) {
    const incoming = c.req.header('x-request-id');
    const id = incoming && SANE_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', id);
    await next();
    c.res.headers.set('X-Request-ID', id);
  };
}
