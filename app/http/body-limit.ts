// Bodies over BODY_LIMIT_BYTES are refused with a 413 problem. Hono's bodyLimit does the
// counting; it first reads `c.req.raw.body`, which on Node builds the whole Fetch `Request` for
// every request, a GET's too. Node's request already says what the body's framing is: without
// Content-Length or Transfer-Encoding there is no body, and a Content-Length alone is checked
// as Hono would check it. Only a chunked body (or a runtime that does not say) is counted.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { framing } from './incoming.ts';
import { HttpProblem } from './problem.ts';

export function requestBodyLimit(maxBytes: number): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new HttpProblem('payload-too-large', {
      detail: `The body exceeds the limit of ${maxBytes} bytes.`,
    });
  };
  const counting = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async function requestBodyLimit(c, next) {
    const known = framing(c);
    if (known && !known.chunked) {
      if (known.contentLength === undefined) return next();
      if (Number.isSafeInteger(known.contentLength)) {
        if (known.contentLength > maxBytes) tooLarge();
        return next();
      }
    }
    return counting(c, next);
  };
}
