// Page cursors: every id the API can hand out survives the round trip, and anything a client
// did not get from nextCursor — garbage, a cursor edited by hand, one built from a guessed
// format — is the same 400 problem, answered through the app's error handler.
import fc from 'fast-check';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../http/errors.ts';
import { HttpProblem } from '../http/problem.ts';
import { createLogger } from '../telemetry/logger.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const cursorOf = (text: string) => Buffer.from(text).toString('base64url');

function page() {
  const app = new Hono();
  app.get('/page', (c) => c.json({ afterId: decodeCursor(c.req.query('cursor') ?? '') }));
  app.onError(
    errorHandler({
      logger: createLogger({ level: 'silent', destination: { write() {} } }),
      knownErrors: [],
      classifiers: [],
    }),
  );
  return app;
}

describe('page cursors', () => {
  it.each([1, 42, 1_000_000, Number.MAX_SAFE_INTEGER])('%d survives encode → decode', (id) => {
    expect(decodeCursor(encodeCursor(id))).toBe(id);
  });

  it('every id an id column can hold survives the round trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (id) => {
        expect(decodeCursor(encodeCursor(id))).toBe(id);
      }),
    );
  });

  it('is URL-safe text: it goes into a query string as it is', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (id) => {
        expect(encodeCursor(id)).toMatch(/^[A-Za-z0-9_-]+$/);
      }),
    );
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'not*a*cursor'],
    ['padded base64', `${cursorOf('u:5')}==`],
    ['standard base64 with +/', '+/+/'],
    ['longer than any cursor issued', 'A'.repeat(65)],
    ['another prefix', cursorOf('x:5')],
    ['no prefix', cursorOf('5')],
    ['id zero', cursorOf('u:0')],
    ['a leading zero', cursorOf('u:05')],
    ['a negative id', cursorOf('u:-5')],
    ['a fraction', cursorOf('u:1.5')],
    ['an exponent', cursorOf('u:1e3')],
    ['trailing text', cursorOf('u:5;drop')],
    ['a space', cursorOf('u: 5')],
    ['past the largest safe integer', cursorOf(`u:${Number.MAX_SAFE_INTEGER + 1}`)],
    ['seventeen digits', cursorOf('u:12345678901234567')],
    ['no digits', cursorOf('u:')],
  ])('refuses a cursor that is %s with a validation problem', (_what, cursor) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpProblem);
    const problem = thrown as HttpProblem;
    expect(problem.type).toBe('validation-error');
    expect(problem.options.errors).toEqual([
      {
        parameter: 'cursor',
        detail: 'is not a cursor this API issued; use nextCursor from a previous page',
      },
    ]);
  });

  it('refuses whatever text arrives, never throwing anything but the problem', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (cursor) => {
        try {
          const afterId = decodeCursor(cursor);
          // Only a cursor for a real id decodes; it is then the one encodeCursor made for it.
          expect(Number.isSafeInteger(afterId) && afterId >= 1).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(HttpProblem);
        }
      }),
    );
  });

  it('answers a tampered cursor with a 400 problem document, not a 500', async () => {
    const tampered = `${encodeCursor(41).slice(0, -1)}!`;
    const response = await page().request(`/page?cursor=${encodeURIComponent(tampered)}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({
      type: '/problems/validation-error',
      status: 400,
      detail: '1 problem with the request.',
      errors: [{ parameter: 'cursor' }],
    });
    const good = await page().request(`/page?cursor=${encodeCursor(41)}`);
    expect(await good.json()).toEqual({ afterId: 41 });
  });
});
