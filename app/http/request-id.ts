// Accepts a caller's X-Request-ID when it looks sane (so ids chain across services), otherwise
// makes one, and echoes it on the response. Anything else could inject junk into logs.
import type { MiddlewareHandler } from 'hono';
import { requestHeader } from './incoming.ts';
import { setResponseHeader } from './response-headers.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's id: the caller's X-Request-ID when sane, else a fresh UUID. */
    requestId: string;
  }
}

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(): MiddlewareHandler {
  return async function requestId(c, next) {
    const incoming = requestHeader(c, 'x-request-id');
    const id = incoming && SANE_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', id);
    await next();
    setResponseHeader(c, 'X-Request-ID', id);
  };
}
