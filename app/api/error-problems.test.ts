import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../http/errors.ts';
import { capturedLogs } from '../telemetry/captured-logs.ts';
import { EmailTakenError, UserNotFoundError } from '../users/errors.ts';
import { databaseProblem, domainErrors } from './error-problems.ts';

/** The error handler as createApp builds it, behind a route that throws `error`. */
function throwing(error: unknown) {
  const { logger, lines } = capturedLogs();
  const app = new Hono();
  app.get('/users/:id', () => {
    throw error;
  });
  app.onError(errorHandler({ logger, knownErrors: domainErrors, classifiers: [databaseProblem] }));
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

describe('the domain errors', () => {
  it('become their problems', async () => {
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
});

describe('the database errors', () => {
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
  ])('answer SQLSTATE %s (%s) with %i, never a 500', async (code, _what, status, type) => {
    const error = drizzleError(postgresError(code, 'duplicate key value (ada@example.com)'));
    const response = await throwing(error).request();
    expect(response.status).toBe(status);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ type, status });
    // What the database quoted stays in the database's log, not in the answer.
    expect(text).not.toMatch(/ada@example\.com|Lovelace|insert into/);
    if (status === 503) expect(response.headers.get('retry-after')).toBe('1');
  });

  it('are logged by their facts, never the values they quote', async () => {
    const { request, lines } = throwing(
      drizzleError(postgresError('23505', 'duplicate (ada@example.com)')),
    );
    expect((await request()).status).toBe(409);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('info');
    expect(JSON.stringify(lines[0])).toContain('23505');
    expect(JSON.stringify(lines[0])).not.toMatch(/ada@example\.com|Lovelace/);
  });

  it('log a refused statement at error level although the client gets a 503', async () => {
    const { request, lines } = throwing(postgresError('42501', 'permission denied'));
    expect((await request()).status).toBe(503);
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'database rejected the statement' });
  });
});
