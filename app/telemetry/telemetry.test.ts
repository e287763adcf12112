// The small pure parts of the telemetry: content negotiation, query labels, OTLP settings and
// log redaction. Milliseconds.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeQuery } from './db.ts';
import { createLogger } from './logger.ts';
import { acceptsOpenMetrics } from './metrics.ts';
import { parseHeaders, tracesUrl } from './tracing.ts';

describe('acceptsOpenMetrics', () => {
  it('follows what Prometheus and people send', () => {
    const prometheus =
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    expect(acceptsOpenMetrics(prometheus)).toBe(true);
    expect(acceptsOpenMetrics(undefined)).toBe(false);
    expect(acceptsOpenMetrics('*/*')).toBe(false);
    expect(acceptsOpenMetrics('text/plain')).toBe(false);
    expect(acceptsOpenMetrics('application/openmetrics-text;q=0')).toBe(false);
  });
});

describe('describeQuery', () => {
  it('labels statements by kind and first table, with a bounded set of kinds', () => {
    expect(describeQuery('select "id", "email" from "users" where "id" > $1')).toEqual({
      operation: 'select',
      collection: 'users',
    });
    expect(describeQuery('insert into "users" ("email") values ($1) returning *')).toEqual({
      operation: 'insert',
      collection: 'users',
    });
    expect(describeQuery('update "users" set "email" = $1')).toEqual({
      operation: 'update',
      collection: 'users',
    });
    expect(describeQuery('vacuum analyze')).toEqual({ operation: 'other', collection: '' });
  });
});

describe('OTLP settings', () => {
  it('derives the traces URL as the OpenTelemetry spec says', () => {
    expect(tracesUrl('http://collector:4318', undefined)).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('http://collector:4318/', undefined)).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('http://a:4318', 'http://b:9999/custom')).toBe('http://b:9999/custom');
    expect(tracesUrl(undefined, undefined)).toBeUndefined();
  });

  it('parses headers with URL-encoded values', () => {
    expect(parseHeaders('api-key=abc%3D%3D,x-tenant = t1')).toEqual({
      'api-key': 'abc==',
      'x-tenant': 't1',
    });
    expect(parseHeaders(undefined)).toEqual({});
  });
});

/** A logger destination that keeps every line, parsed. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  });
  return { lines, destination };
}

describe('log redaction', () => {
  it('censors built-in secrets and the configured personal fields', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', redact: ['email'], destination });
    logger.info({
      email: 'ada@example.com',
      user: { email: 'ada@example.com', id: 1 },
      headers: { authorization: 'Bearer x', cookie: 'sid=1' },
      password: 'p',
    });
    expect(lines[0]).toMatchObject({
      email: '[redacted]',
      user: { email: '[redacted]', id: 1 },
      headers: { authorization: '[redacted]', cookie: '[redacted]' },
      password: '[redacted]',
    });
  });

  it("censors fields of errors logged through a child logger, any case, without touching the caller's object", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', redact: ['Email'], destination });
    const error = Object.assign(new Error('boom'), {
      detail: { EMAIL: 'x@example.com', Password: 'p' },
    });
    logger
      .child({ request_id: 'r1' })
      .error({ err: error, route: '/api/v1/users', token: 't' }, 'failed');
    expect(lines[0]).toMatchObject({
      token: '[redacted]',
      request_id: 'r1',
      route: '/api/v1/users',
      msg: 'failed',
    });
    const logged = lines[0]?.err as Record<string, unknown> | undefined;
    expect(logged?.detail).toEqual({
      EMAIL: '[redacted]',
      Password: '[redacted]',
    });
    expect(logged?.message).toBe('boom');
    expect(error.detail.EMAIL).toBe('x@example.com'); // the caller's object is not modified
  });
});

describe('log timestamps', () => {
  it('are ISO 8601 UTC with milliseconds, current for every line', async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination });
    // Wall-clock time, as the lines carry: a VM's clock can be stepped back a millisecond or so
    // between two readings, so the lines are checked against the test's own readings within a
    // margin.
    const CLOCK_STEP_MS = 20;
    const before = Date.now() - CLOCK_STEP_MS;
    logger.info('first');
    logger.info('same millisecond, most likely');
    await new Promise((resolve) => setTimeout(resolve, 5));
    logger.info('later');
    const after = Date.now() + CLOCK_STEP_MS;
    const times = lines.map((line) => String(line.time));
    for (const time of times) {
      expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(time)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(time)).toBeLessThanOrEqual(after);
    }
    // The cached chunk never outlives its millisecond: 5 ms later, a stale one would repeat the
    // first line's time exactly.
    expect(Date.parse(times[2] as string)).toBeGreaterThan(Date.parse(times[0] as string));
  });
});
