// The path and query parameters every version shares, as the routers validate them: a user id
// is a JSON-safe whole number written plainly, a page size a whole number within bounds, and
// anything else a 400 validation problem naming the parameter (app/http/validation.ts).
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { problemTypes } from '../http/problem.ts';
import { validationProblem } from '../http/validation.ts';
import { listQuery, userId, wholeNumberText } from './params.ts';

const ID_MESSAGE = `must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`;

/** The problem a router throws for `value`, as users-router.ts builds it. */
function problemFor(schema: z.ZodType, value: unknown, parameter?: string) {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return validationProblem(result.error, 'parameter', parameter);
}

describe('userId', () => {
  it.each([
    ['1', 1],
    ['42', 42],
    ['1000000', 1_000_000],
    [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ])('%j is the id %d', (text, id) => {
    expect(userId.parse(text)).toBe(id);
  });

  it.each([
    ['zero', '0'],
    ['a leading zero', '01'],
    ['only zeros', '000'],
    ['negative', '-1'],
    ['signed', '+1'],
    ['a fraction', '1.5'],
    ['an exponent', '1e3'],
    ['hexadecimal', '0x10'],
    ['padded', ' 1'],
    ['empty', ''],
    ['letters', 'abc'],
    ['non-ASCII digits', '٣'],
    ['one past the largest safe integer', String(Number.MAX_SAFE_INTEGER + 1)],
    ['sixteen nines', '9999999999999999'],
    ['huge', '9'.repeat(400)],
  ])('refuses %s (%j) as a 400 naming the id', (_what, text) => {
    const problem = problemFor(userId, text, 'id');
    expect(problemTypes[problem.type].status).toBe(400);
    expect(problem.type).toBe('validation-error');
    // One message, even where the regex passes and the safe-integer check refuses.
    expect(problem.options.errors).toEqual([{ parameter: 'id', detail: ID_MESSAGE }]);
  });
});

describe('wholeNumberText', () => {
  const limit = wholeNumberText(100, 20);

  it('is the fallback when absent', () => {
    expect(limit.parse(undefined)).toBe(20);
  });

  it.each([
    ['1', 1],
    ['20', 20],
    ['100', 100],
    // Unlike ids, a count may carry leading zeros while it fits the digits of its maximum.
    ['007', 7],
  ])('%j is %d', (text, count) => {
    expect(limit.parse(text)).toBe(count);
  });

  it.each([
    ['zero', '0'],
    ['one over the maximum', '101'],
    ['more digits than the maximum has', '0100'],
    ['huge', '9'.repeat(400)],
    ['negative', '-5'],
    ['signed', '+5'],
    ['a fraction', '2.5'],
    ['padded', '5 '],
    ['empty', ''],
    ['letters', 'ten'],
  ])('refuses %s (%j) with its bounds in the message', (_what, text) => {
    const result = limit.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'must be a whole number from 1 to 100',
    ]);
  });

  it('takes its digit count from the maximum', () => {
    expect(wholeNumberText(5, 1).safeParse('10').success).toBe(false);
    expect(wholeNumberText(1000, 1).parse('1000')).toBe(1000);
  });
});

describe('listQuery', () => {
  it('defaults the page size and leaves the cursor out', () => {
    expect(listQuery.parse({})).toEqual({ limit: 20 });
  });

  it('reads both parameters', () => {
    expect(listQuery.parse({ limit: '100', cursor: 'dTo1' })).toEqual({
      limit: 100,
      cursor: 'dTo1',
    });
  });

  it('names a bad limit and every unknown parameter in one problem', () => {
    const problem = problemFor(listQuery, { limit: '500', page: '2', sort: 'name' });
    expect(problem.type).toBe('validation-error');
    expect(problem.options.errors).toEqual(
      expect.arrayContaining([
        { parameter: 'limit', detail: 'must be a whole number from 1 to 100' },
        { parameter: 'page', detail: 'is not a known parameter or field' },
        { parameter: 'sort', detail: 'is not a known parameter or field' },
      ]),
    );
    expect(problem.options.errors).toHaveLength(3);
    expect(problem.options.detail).toBe('3 problems with the request.');
  });
});
