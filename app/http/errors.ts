// The last stop for anything thrown while handling a request: known failures become their
// problem type; anything else is logged with its stack and answered as a bare 500.
import type { ErrorHandler } from 'hono';
import { isDatabaseUnavailable } from '../db/errors.ts';
import type { LineLogger } from '../telemetry/line-logger.ts';
import { EmailTakenError, UserNotFoundError } from '../users/errors.ts';
import type { AppEnv } from './env.ts';
import { HttpProblem, problemResponse } from './problem.ts';

export function errorHandler(logger: LineLogger): ErrorHandler<AppEnv> {
  return (error, c) => {
    if (error instanceof HttpProblem) return problemResponse(c, error.type, error.options);
    if (error instanceof UserNotFoundError)
      return problemResponse(c, 'not-found', { detail: error.message });
    if (error instanceof EmailTakenError)
      return problemResponse(c, 'email-taken', { detail: error.message });
    // The request's logger carries request_id, trace_id and span_id; the app's is the fallback
    // for an error thrown before the request telemetry ran.
    const log = c.get('logger') ?? logger.child({ request_id: c.get('requestId') });
    if (c.get('signal')?.aborted) {
      // The timeout already answered 504; this is the cancelled work unwinding.
      log.warn({ err: error }, 'work cancelled after request timeout');
      return problemResponse(c, 'request-timeout');
    }
    if (isDatabaseUnavailable(error)) {
      log.warn({ err: error }, 'database unavailable');
      return problemResponse(c, 'service-unavailable', {
        detail: 'The database is not answering. Retry shortly.',
        headers: { 'Retry-After': '1' },
      });
    }
    log.error({ err: error }, 'unhandled error');
    return problemResponse(c, 'internal-error');
  };
}
