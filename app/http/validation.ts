// Turns a zod error into one 400 problem that lists the bad fields: body members by JSON
// pointer ("#/email", as in RFC 9457's example), query and path parameters by name. At most
// MAX_LISTED_ERRORS are listed and `omittedErrors` counts the rest: a 64 KiB body of unknown
// keys would otherwise buy an answer eight times its size, and the CPU to build it.
import type { z } from 'zod';
import { type FieldError, HttpProblem } from './problem.ts';

const MAX_LISTED_ERRORS = 20;

function pointer(path: readonly PropertyKey[]): string {
  return `#${path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')}`;
}

/**
 * `where` says what was validated: a JSON body, or parameters (a query object, or one path
 * parameter named by `parameter` when the schema checked a single value).
 */
export function validationProblem(
  error: z.ZodError,
  where: 'body' | 'parameter' = 'body',
  parameter?: string,
): HttpProblem {
  const fieldError = (path: readonly PropertyKey[], detail: string): FieldError =>
    where === 'body'
      ? { pointer: pointer(path), detail }
      : { parameter: parameter ?? String(path[0] ?? ''), detail };
  const errors: FieldError[] = [];
  let total = 0;
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        if (total++ < MAX_LISTED_ERRORS)
          errors.push(fieldError([...issue.path, key], 'is not a known parameter or field'));
      }
    } else if (total++ < MAX_LISTED_ERRORS) errors.push(fieldError(issue.path, issue.message));
  }
  const omitted = total - errors.length;
  return new HttpProblem('validation-error', {
    detail:
      omitted === 0
        ? `${total} problem${total === 1 ? '' : 's'} with the request.`
        : `${total} problems with the request; the first ${errors.length} are listed.`,
    errors,
    ...(omitted === 0 ? {} : { extensions: { omittedErrors: omitted } }),
  });
}
