// A request gets REQUEST_TIMEOUT_MS. Past that the client gets a 504 problem and the request's
// work is really stopped: its signal aborts and the database cancels the queries it started
// (Hono's own timeout() answers 504 but lets the handler run on). When the time ran out because
// the client had not finished sending its body, the answer is 408 instead: the client's
// timeout, not the server's, so a stalled upload never counts against the availability SLO.
import type { Context, MiddlewareHandler } from 'hono';
import type { Database } from '../db/database.ts';
import type { AppEnv } from './env.ts';
import { problemResponse } from './problem.ts';

const TIMED_OUT = Symbol('timed out');

/**
 * False while Node is still receiving the request (its body unfinished); undefined where the
 * runtime does not say (edge runtimes), which keeps the 504.
 */
function requestReceived(c: Context<AppEnv>): boolean | undefined {
  return (c.env as { incoming?: { complete?: boolean } } | undefined)?.incoming?.complete;
}

export function requestTimeout(
  timeoutMs: number,
  db: Pick<Database, 'cancellable'>,
): MiddlewareHandler<AppEnv> {
  return async function requestTimeout(c, next) {
    const controller = new AbortController();
    c.set('signal', controller.signal);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
    });
    try {
      const outcome = await Promise.race([db.cancellable(controller.signal, next), deadline]);
      if (outcome !== TIMED_OUT) return;
      controller.abort(new Error(`request timed out after ${timeoutMs} ms`));
      if (requestReceived(c) === false) {
        return problemResponse(c, 'request-body-timeout', {
          detail: `The request body did not arrive within ${timeoutMs} ms.`,
          // The rest of the body may still be on its way: this connection cannot carry another.
          headers: { Connection: 'close' },
        });
      }
      return problemResponse(c, 'request-timeout', {
        detail: `The request did not finish within ${timeoutMs} ms and was cancelled.`,
      });
    } finally {
      clearTimeout(timer);
    }
  };
}
