import { type Context, Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../telemetry/logger.ts';
import { EmailTakenError, UserNotFoundError } from '../users/errors.ts';
import type { AppEnv } from './env.ts';
import { errorHandler } from './errors.ts';
import { HttpProblem } from './problem.ts';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}

/** An app whose route throws `error`; `before` may set context the way earlier middleware does. */
function throwing(error: unknown, before?: (c: Context<AppEnv>) => void) {
  const { logger, lines } = capturingLogger();
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set('requestId', 'req-42');
    before?.(c);
    await next();
  });
  app.get('/users/:id', () => {
    throw error;
  });
  app.onError(errorHandler(logger));
  return { request: () => app.request('/users/7'), lines };
}

/** What postgres.js throws for a failed statement, with the values PostgreSQL quotes in it. */
function postgresError(code: string, message: string) {
  return Object.assign(new Error(message), {
    code,
    severity: 'ERROR',
    detail: 'Key (lower(email))=(ada@example.com) already exists.',
  });
}

/** drizzle wraps the driver's error and puts the bound parameters in its own message. */
function drizzleError(cause: Error) {
  return Object.assign(
    new Error('Failed query: insert into "users" params: Ada,Lovelace,ada@example.com', { cause }),
    { query: 'insert into "users" ("email") values ($1)', params: ['ada@example.com'] },
  );
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

  it('maps the domain errors to their problems', async () => {
    const missing = await throwing(new UserNotFoundError(7)).request();
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      type: '/problems/not-found',
      detail: 'No user has id 7.',
    });

    const taken = await throwing(new EmailTakenError('ada@example.com')).request();
    expect(taken.status).toBe(409);
    expect((await taken.json()).type).toBe('/problems/email-taken');
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
    ['23505', 'a unique violation', 409, '/problems/conflict'],
    ['23503', 'a foreign key violation', 409, '/problems/conflict'],
    ['22001', 'a value too long', 400, '/problems/validation-error'],
    ['23502', 'a NOT NULL violation', 400, '/problems/validation-error'],
    ['40P01', 'a deadlock', 503, '/problems/service-unavailable'],
    ['57P01', 'a server shutting down', 503, '/problems/service-unavailable'],
    ['ECONNREFUSED', 'a refused connection', 503, '/problems/service-unavailable'],
    ['42P01', 'a missing table', 503, '/problems/service-unavailable'],
    ['42501', 'a missing privilege', 503, '/problems/service-unavailable'],
  ])('answers SQLSTATE %s (%s) with %i, never a 500', async (code, _what, status, type) => {
    const error = drizzleError(postgresError(code, 'duplicate key value (ada@example.com)'));
    const response = await throwing(error).request();
    expect(response.status).toBe(status);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ type, status });
    // What the database quoted stays in the database's log, not in the answer.
    expect(text).not.toMatch(/ada@example\.com|Lovelace|insert into/);
    if (status === 503) expect(response.headers.get('retry-after')).toBe('1');
  });

  it('logs a database error by its facts, never the values it quotes', async () => {
    const { request, lines } = throwing(
      drizzleError(postgresError('23505', 'duplicate (ada@example.com)')),
    );
    expect((await request()).status).toBe(409);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('info');
    expect(JSON.stringify(lines[0])).toContain('23505');
    expect(JSON.stringify(lines[0])).not.toMatch(/ada@example\.com|Lovelace/);
  });

  it('logs a refused statement at error level although the client gets a 503', async () => {
    const { request, lines } = throwing(postgresError('42501', 'permission denied'));
    expect((await request()).status).toBe(503);
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'database rejected the statement' });
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
    const own = capturingLogger();
    const { request, lines } = throwing(new Error('boom'), (c) =>
      c.set('logger', own.logger.child({ request_id: 'req-42', trace_id: 't-1' })),
    );
    await request();
    expect(lines).toEqual([]);
    expect(own.lines[0]).toMatchObject({ msg: 'unhandled error', trace_id: 't-1' });
  });
});
