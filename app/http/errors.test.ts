import { type Context, Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { capturedLogs } from '../telemetry/captured-logs.ts';
import { type ErrorClassifier, errorHandler, knownError, thrownValuesAsErrors } from './errors.ts';
import { HttpProblem } from './problem.ts';

/** An error the app knows, standing in for a domain error createApp would list. */
class ShelfEmptyError extends Error {}

/** A classifier standing in for the database's: it recognises errors by a code. */
const lockedProblem: ErrorClassifier = (error, log) => {
  if ((error as { code?: unknown }).code !== 'LOCKED') return undefined;
  log.info('resource locked');
  return new HttpProblem('conflict', { detail: 'Locked.' });
};

/** An app whose route throws `error`; `before` may set context the way earlier middleware does. */
function throwing(error: unknown, before?: (c: Context) => void) {
  const { logger, lines } = capturedLogs();
  const app = new Hono();
  app.use(thrownValuesAsErrors());
  app.use(async (c, next) => {
    c.set('requestId', 'req-42');
    before?.(c);
    await next();
  });
  app.get('/users/:id', () => {
    throw error;
  });
  app.onError(
    errorHandler({
      logger,
      knownErrors: [
        knownError(
          ShelfEmptyError,
          (error) => new HttpProblem('not-found', { detail: error.message }),
        ),
      ],
      classifiers: [lockedProblem],
    }),
  );
  return { request: () => app.request('/users/7'), lines };
}

describe('errorHandler', () => {
  it('answers a thrown HttpProblem as that problem, with its headers', async () => {
    const { request, lines } = throwing(
      new HttpProblem('payload-too-large', {
        detail: 'Too big.',
        headers: { Connection: 'close' },
      }),
    );
    const response = await request();
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toMatchObject({
      type: '/problems/payload-too-large',
      detail: 'Too big.',
      requestId: 'req-42',
    });
    // The client's mistake, answered: nothing for the operator.
    expect(lines).toEqual([]);
  });

  it('maps the errors it was given to their problems, subclasses included', async () => {
    class OutOfStockError extends ShelfEmptyError {}
    const missing = await throwing(new ShelfEmptyError('Nothing on shelf 7.')).request();
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      type: '/problems/not-found',
      detail: 'Nothing on shelf 7.',
    });
    expect((await throwing(new OutOfStockError('none')).request()).status).toBe(404);
  });

  it('asks its classifiers before answering 500, and logs through them', async () => {
    const { request, lines } = throwing(Object.assign(new Error('locked'), { code: 'LOCKED' }));
    const response = await request();
    expect(response.status).toBe(409);
    expect((await response.json()).type).toBe('/problems/conflict');
    expect(lines).toMatchObject([{ level: 'info', msg: 'resource locked', request_id: 'req-42' }]);
  });

  it('answers anything unknown with a bare 500 and logs the error with its stack', async () => {
    const { request, lines } = throwing(
      new Error('token sk_live_123 rejected for ada@example.com at /srv/app/users.ts'),
    );
    const response = await request();
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      type: '/problems/internal-error',
      title: 'Internal server error',
      status: 500,
      instance: '/users/7',
      requestId: 'req-42',
    });
    expect(text).not.toMatch(/sk_live|ada@|\/srv|at /);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      msg: 'unhandled error',
      request_id: 'req-42',
    });
    expect(lines[0]?.err).toMatchObject({ stack: expect.stringContaining('errors.test.ts') });
  });

  it.each([
    ['a string', 'token sk_live_123 for ada@example.com'],
    ['an object', { email: 'ada@example.com' }],
    ['null', null],
  ])('answers %s thrown instead of an Error like any unknown failure', async (_what, value) => {
    const { request, lines } = throwing(value);
    const response = await request();
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect((await response.json()).type).toBe('/problems/internal-error');
    expect(lines).toMatchObject([{ level: 'error', msg: 'unhandled error', request_id: 'req-42' }]);
    // What was thrown may hold anything: the log says what kind of value it was, nothing more.
    expect(JSON.stringify(lines)).not.toMatch(/sk_live|ada@/);
  });

  it('answers 504 for work that was cancelled by the request timeout, whatever it threw', async () => {
    const controller = new AbortController();
    controller.abort();
    const { request, lines } = throwing(new Error('query cancelled'), (c) =>
      c.set('signal', controller.signal),
    );
    const response = await request();
    expect(response.status).toBe(504);
    expect((await response.json()).type).toBe('/problems/request-timeout');
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'work cancelled after request timeout' });
  });

  it("logs through the request's own logger once request telemetry has set one", async () => {
    const own = capturedLogs();
    const { request, lines } = throwing(new Error('boom'), (c) =>
      c.set('logger', own.logger.child({ request_id: 'req-42', trace_id: 't-1' })),
    );
    await request();
    expect(lines).toEqual([]);
    expect(own.lines[0]).toMatchObject({ msg: 'unhandled error', trace_id: 't-1' });
  });
});
