// Path and query parameters shared by every version.
import { z } from 'zod';

/** Ids are JSON numbers, so the API accepts the integers a JSON number holds exactly. */
export const userId = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, `must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`)
  .transform(Number)
  .refine(Number.isSafeInteger, `must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`)
  .meta({
    description: `The user's id: a whole number from 1 to ${Number.MAX_SAFE_INTEGER}.`,
    example: '42',
  });

/** Text spelling a whole number from 1 to `max` (`fallback` when absent): how query values arrive. */
export function wholeNumberText(max: number, fallback: number) {
  const message = `must be a whole number from 1 to ${max}`;
  return z
    .string()
    .regex(new RegExp(`^\\d{1,${String(max).length}}$`), message)
    .transform(Number)
    .pipe(z.number().min(1, message).max(max, message))
    .default(fallback);
}

/**
 * A query parameter spelling a whole number from 1 to `max` (`fallback` when absent). Query
 * values arrive as text, so it is validated as text and documented as the integer it spells.
 */
function countParameter(max: number, fallback: number, description: string) {
  return wholeNumberText(max, fallback).meta({
    type: 'integer',
    minimum: 1,
    maximum: max,
    default: fallback,
    description,
  });
}

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

export const listQuery = z.strictObject({
  limit: countParameter(MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, 'Users per page.'),
  cursor: z
    .string()
    .optional()
    .meta({ description: 'Where the page starts: `nextCursor` of the previous page (opaque).' }),
});
