import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validationProblem } from './validation.ts';

function errorOf(schema: z.ZodType, value: unknown): z.ZodError {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected the value to fail validation');
  return result.error;
}

describe('validationProblem', () => {
  it('lists body members by JSON pointer, nested and in arrays', () => {
    const schema = z.object({
      email: z.email(),
      profile: z.object({ tags: z.array(z.string()) }),
    });
    const problem = validationProblem(
      errorOf(schema, { email: 'nope', profile: { tags: ['a', 7] } }),
    );
    expect(problem.type).toBe('validation-error');
    expect(problem.options.errors?.map((error) => 'pointer' in error && error.pointer)).toEqual([
      '#/email',
      '#/profile/tags/1',
    ]);
    expect(problem.options.detail).toBe('2 problems with the request.');
  });

  it('escapes ~ and / in member names as RFC 6901 says', () => {
    const schema = z.object({ 'a/b': z.string(), 'c~d': z.string() });
    const problem = validationProblem(errorOf(schema, {}));
    expect(problem.options.errors).toEqual([
      { pointer: '#/a~1b', detail: expect.any(String) },
      { pointer: '#/c~0d', detail: expect.any(String) },
    ]);
  });

  it('names each unknown key of a strict object, not the object', () => {
    const problem = validationProblem(errorOf(z.strictObject({}), { role: 'admin', x: 1 }));
    expect(problem.options.errors).toEqual([
      { pointer: '#/role', detail: 'is not a known parameter or field' },
      { pointer: '#/x', detail: 'is not a known parameter or field' },
    ]);
  });

  it('names query parameters by name, and one path parameter as told', () => {
    const query = validationProblem(
      errorOf(z.strictObject({ limit: z.string().regex(/^\d+$/) }), { limit: 'ten', sort: 'x' }),
      'parameter',
    );
    expect(query.options.errors).toEqual([
      { parameter: 'limit', detail: expect.any(String) },
      { parameter: 'sort', detail: 'is not a known parameter or field' },
    ]);

    const id = validationProblem(errorOf(z.string().regex(/^\d+$/), 'abc'), 'parameter', 'id');
    expect(id.options.errors).toEqual([{ parameter: 'id', detail: expect.any(String) }]);
    expect(id.options.detail).toBe('1 problem with the request.');
  });

  it('lists at most 20 problems and counts the rest, however many keys a body has', () => {
    const body = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i]));
    const problem = validationProblem(errorOf(z.strictObject({}), body));
    expect(problem.options.errors).toHaveLength(20);
    expect(problem.options.extensions).toEqual({ omittedErrors: 4_980 });
    expect(problem.options.detail).toBe('5000 problems with the request; the first 20 are listed.');
  });

  it('adds no omittedErrors when everything is listed', () => {
    const problem = validationProblem(errorOf(z.object({ a: z.string() }), {}));
    expect(problem.options.extensions).toBeUndefined();
  });
});
