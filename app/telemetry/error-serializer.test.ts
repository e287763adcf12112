import { Writable } from 'node:stream';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { spanSafeError } from './error-serializer.ts';
import { createLogger } from './logger.ts';

/** A logger at info whose lines come back as text. */
function capture() {
  let written = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString('utf8');
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination, redact: ['email'] });
  return { logger, text: () => written };
}

/** Shaped as postgres.js raises it: the SQLSTATE, and values quoted in message and detail. */
function serverError(code: string, message: string, detail: string) {
  return Object.assign(new Error(message), {
    name: 'PostgresError',
    code,
    severity: 'ERROR',
    detail,
    table_name: 'users',
    constraint_name: 'users_email_lower_key',
    routine: '_bt_check_unique',
  });
}

describe('errors in log lines', () => {
  it('keep a failed query’s facts and none of its values', () => {
    const { logger, text } = capture();
    const cause = serverError(
      '23505',
      'duplicate key value violates unique constraint "users_email_lower_key"',
      'Key (lower(email))=(p@example.com) already exists.',
    );
    const error = new DrizzleQueryError(
      'update "users" set "first_name" = $1, "last_name" = $2, "email" = $3',
      ['Private', 'Person', 'p@example.com'],
      cause,
    );
    logger.error({ err: error }, 'unhandled error');
    const line = text();
    for (const value of ['Private', 'Person', 'p@example.com']) expect(line).not.toContain(value);
    const { err } = JSON.parse(line) as { err: Record<string, unknown> };
    expect(err).toMatchObject({
      type: 'DrizzleQueryError',
      operation: 'update',
      causes: [{ code: '23505', constraint: 'users_email_lower_key', table: 'users' }],
    });
    expect(String(err.stack)).toMatch(/^\s+at /);
  });

  it('keep a connection failure’s message under a query error, still without values', () => {
    const { logger, text } = capture();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    logger.warn(
      { err: new DrizzleQueryError('insert into "users" values ($1)', ['Ada'], refused) },
      'x',
    );
    expect(text()).not.toContain('Ada');
    expect(JSON.parse(text()).err.causes[0]).toMatchObject({
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
    });
  });

  it('leave other errors as pino writes them', () => {
    const { logger, text } = capture();
    logger.error({ err: new TypeError('boom') }, 'x');
    expect(JSON.parse(text()).err).toMatchObject({ type: 'TypeError', message: 'boom' });
  });
});

describe('errors recorded on spans', () => {
  it('keep a database error’s SQLSTATE and frames, none of its values', () => {
    const cause = Object.assign(new Error('invalid input syntax for type integer: "Zebulon"'), {
      code: '22P02',
      severity: 'ERROR',
    });
    const safe = spanSafeError(new DrizzleQueryError('select $1::int', ['Zebulon'], cause));
    expect(safe.message).toBe('database error 22P02');
    expect(`${safe.stack}`).not.toContain('Zebulon');
  });

  it('leave other errors as they are', () => {
    const error = new RangeError('x');
    expect(spanSafeError(error)).toBe(error);
  });
});
