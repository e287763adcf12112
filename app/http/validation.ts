// Turns a zod error into one 400 problem that lists every bad field: body members by JSON
// pointer ("#/email", as in RFC 9457's example), query and path parameters by name.
import type { z } from 'zod';
import { type FieldError, HttpProblem } from './problem.ts';

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
  const errors = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) =>
          fieldError([...issue.path, key], 'is not a known parameter or field'),
        )
      : [fieldError(issue.path, issue.message)],
  );
  return new HttpProblem('validation-error', {
    detail: `${errors.length} problem${errors.length === 1 ? '' : 's'} with the request.`,
    errors,
  });
}
