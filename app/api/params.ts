// Path and query parameters shared by every version.
import { z } from 'zod';

/** Ids are JSON numbers, so the API accepts the integers a JSON number holds exactly. */
export const userId = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, `must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`)
  .transform(Number)
  .refine(Number.isSafeInteger, `must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`);

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

export const listQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
        .max(MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
    )
    .default(DEFAULT_PAGE_SIZE),
  cursor: z.string().optional(),
});
