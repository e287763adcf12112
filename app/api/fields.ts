// Field rules every API version shares, so v1 and v2 accept the same emails and the same kinds
// of name text, and whatever one version stores the other can read and write back.
import { z } from 'zod';

/** Longest full name in any version: v1's `name`, and v2's firstName + " " + lastName. */
export const MAX_FULL_NAME_LENGTH = 200;
export const MAX_FIRST_NAME_LENGTH = 100;
/** What is left of a full name after the first name and the space between them. */
export const MAX_LAST_NAME_LENGTH = MAX_FULL_NAME_LENGTH - MAX_FIRST_NAME_LENGTH - 1;

// Control characters other than whitespace: PostgreSQL cannot store NUL at all (a 500 waiting
// to happen), and the rest have no place in a name. Whitespace is fine: names are normalised.
const CONTROL_CHARACTER = /[^\P{Cc}\s]/u;

/** Trimmed text of at most `max` characters that PostgreSQL can store and people can read. */
export function trimmedText(max: number) {
  return z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((value) => value.isWellFormed(), 'must be valid Unicode text (no lone surrogates)')
    .refine((value) => !CONTROL_CHARACTER.test(value), 'must not contain control characters');
}

export const emailAddress = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be an email address'))
  // The pipe hides z.email()'s format from the document generator: say it here.
  .meta({ format: 'email', example: 'ada@example.com' });
