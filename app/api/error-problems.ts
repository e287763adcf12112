// What the domain's and the database's failures mean to an API client: the problem each
// becomes. createApp hands these to the error handler (app/http/errors.ts), which knows no
// domain. Every database failure has a problem type of its own (app/db/errors.ts lists what
// each SQLSTATE means), so no SQLSTATE ends as a 500.
import { databaseErrorCode, databaseFailure } from '../db/errors.ts';
import { type ErrorClassifier, type KnownError, knownError } from '../http/errors.ts';
import { HttpProblem } from '../http/problem.ts';
import { EmailTakenError, UserNotFoundError } from '../users/errors.ts';

export const domainErrors: readonly KnownError[] = [
  knownError(UserNotFoundError, (error) => new HttpProblem('not-found', { detail: error.message })),
  knownError(EmailTakenError, (error) => new HttpProblem('email-taken', { detail: error.message })),
];

const RETRY_SHORTLY = { 'Retry-After': '1' };

export const databaseProblem: ErrorClassifier = (error, log) => {
  const failure = databaseFailure(error);
  if (failure === undefined) return undefined;
  const code = databaseErrorCode(error);
  switch (failure) {
    case 'invalid-value':
      log.info({ err: error }, 'database refused a value');
      return new HttpProblem('validation-error', {
        detail: `A value was refused by the database (SQLSTATE ${code}).`,
      });
    case 'conflict':
      log.info({ err: error }, 'write conflicts with existing data');
      return new HttpProblem('conflict', {
        detail: `The write conflicts with existing data (SQLSTATE ${code}).`,
      });
    case 'contention':
      log.warn({ err: error }, 'write kept losing to concurrent writes');
      return new HttpProblem('service-unavailable', {
        detail: 'The write kept losing to concurrent writes of the same rows. Retry shortly.',
        headers: RETRY_SHORTLY,
      });
    case 'unavailable':
      log.warn({ err: error }, 'database unavailable');
      return new HttpProblem('service-unavailable', {
        detail: 'The database is not answering. Retry shortly.',
        headers: RETRY_SHORTLY,
      });
    case 'rejected':
      // The statement itself was refused (a privilege, a bug): ours to fix, yet no 500 with a
      // stack for the client, and the operator sees it at error level.
      log.error({ err: error }, 'database rejected the statement');
      return new HttpProblem('service-unavailable', {
        detail: 'The database refused the request. Retry later.',
        headers: RETRY_SHORTLY,
      });
  }
};
