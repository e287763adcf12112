// A request gets REQUEST_TIMEOUT_MS. Past that the client gets a 504 problem and the request's
// work is really stopped: its signal aborts and the database cancels the queries it started
// (Hono's own timeout() answers 504 but lets the handler run on). When the time ran out because
// the client had not finished sending its body, the answer is 408 instead: the client's
// timeout, not the server's, so a stalled upload never counts against the availability SLO.
import type { Context, MiddlewareHandler } from 'hono';
import { HttpProblem, problemResponse } from './problem.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** Aborts when the request times out; work started for the request should stop then. */
    signal: AbortSignal;
  }
}

const TIMED_OUT = Symbol('timed out');

/**
 * False while Node is still receiving the request (its body unfinished); undefined where the
 * runtime does not say (edge runtimes), which keeps the 504.
 */
function requestReceived(c: Context): boolean | undefined {
  return (c.env as { incoming?: { complete?: boolean } } | undefined)?.incoming?.complete;
}

/** Where the request's queries run (app/db/database.ts): cancelled when the signal aborts. */
interface CancellableWork {
  cancellable<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T>;
}

export function requestTimeout(timeoutMs: number, db: CancellableWork): MiddlewareHandler {
  return async function requestTimeout(c, next) {
    const controller = new AbortController();
    c.set('signal', controller.signal);
    let timer: NodeJS.Timeout | undefined;
    try {
      // One promise settled by whichever comes first, the work or the timer: what
      // Promise.race of the work and a deadline promise did, for a promise and two reactions
      // fewer on every request.
      const outcome = await new Promise<unknown>((resolve, reject) => {
        timer = setTimeout(resolve, timeoutMs, TIMED_OUT);
        db.cancellable(controller.signal, next).then(resolve, reject);
      });
      if (outcome !== TIMED_OUT) return;
      // The answer travels as the abort's reason: work that throws as it unwinds reaches the
      // error handler, which answers with this same problem (errors.ts) rather than its own.
      const answer =
        requestReceived(c) === false
          ? new HttpProblem('request-body-timeout', {
              detail: `The request body did not arrive within ${timeoutMs} ms.`,
              // The rest of the body may still be on its way: this connection cannot carry another.
              headers: { Connection: 'close' },
            })
          : new HttpProblem('request-timeout', {
              detail: `The request did not finish within ${timeoutMs} ms and was cancelled.`,
            });
      controller.abort(answer);
      return problemResponse(c, answer.type, answer.options);
    } finally {
      clearTimeout(timer);
    }
  };
}
