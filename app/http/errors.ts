// The last stop for anything thrown while handling a request: known failures become their
// problem type; anything else is logged with its stack and answered as a bare 500. Every
// database failure has a problem type of its own (app/db/errors.ts lists what each SQLSTATE
// means), so no SQLSTATE ends as a 500. Errors are logged under `err`, whose serializer keeps a
// database error's facts and drops its values (app/telemetry/error-serializer.ts).
import type { Context, ErrorHandler } from 'hono';
import { databaseErrorCode, databaseFailure } from '../db/errors.ts';
import type { LineLogger } from '../telemetry/line-logger.ts';
import { EmailTakenError, UserNotFoundError } from '../users/errors.ts';
import type { AppEnv } from './env.ts';
import { HttpProblem, problemResponse } from './problem.ts';

const RETRY_SHORTLY = { 'Retry-After': '1' };

function databaseProblem(
  c: Context<AppEnv>,
  log: LineLogger,
  error: unknown,
): Response | undefined {
  const failure = databaseFailure(error);
  if (failure === undefined) return undefined;
  const code = databaseErrorCode(error);
  switch (failure) {
    case 'invalid-value':
      log.info({ err: error }, 'database refused a value');
      return problemResponse(c, 'validation-error', {
        detail: `A value was refused by the database (SQLSTATE ${code}).`,
      });
    case 'conflict':
      log.info({ err: error }, 'write conflicts with existing data');
      return problemResponse(c, 'conflict', {
        detail: `The write conflicts with existing data (SQLSTATE ${code}).`,
      });
    case 'contention':
      log.warn({ err: error }, 'write kept losing to concurrent writes');
      return problemResponse(c, 'service-unavailable', {
        detail: 'The write kept losing to concurrent writes of the same rows. Retry shortly.',
        headers: RETRY_SHORTLY,
      });
    case 'unavailable':
      log.warn({ err: error }, 'database unavailable');
      return problemResponse(c, 'service-unavailable', {
        detail: 'The database is not answering. Retry shortly.',
        headers: RETRY_SHORTLY,
      });
    case 'rejected':
      // The statement itself was refused (a privilege, a bug): ours to fix, yet no 500 with a
      // stack for the client, and the operator sees it at error level.
      log.error({ err: error }, 'database rejected the statement');
      return problemResponse(c, 'service-unavailable', {
        detail: 'The database refused the request. Retry later.',
        headers: RETRY_SHORTLY,
      });
  }
}

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
      // The timeout already answered; this is the cancelled work unwinding.
      log.warn({ err: error }, 'work cancelled after request timeout');
      return problemResponse(c, 'request-timeout');
    }
    const answered = databaseProblem(c, log, error);
    if (answered) return answered;
    log.error({ err: error }, 'unhandled error');
    return problemResponse(c, 'internal-error');
  };
}
