import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../telemetry/logger.ts';
import { errorHandler } from './errors.ts';
import { requestTimeout } from './timeout.ts';

const TIMEOUT_MS = 1_000;

/**
 * The app's timeout over a database stand-in that records the signal its work was given (the
 * real one cancels the queries started under it; that is an integration test's business).
 */
function timedApp(handler: (signal: AbortSignal) => Promise<Response>) {
  const given: AbortSignal[] = [];
  const db = {
    cancellable<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
      given.push(signal);
      return work();
    },
  };
  const app = new Hono();
  app.use(requestTimeout(TIMEOUT_MS, db));
  app.get('/', (c) => handler(c.var.signal));
  // As in createApp: what the cancelled work throws as it unwinds lands here.
  app.onError(
    errorHandler({
      logger: createLogger({ level: 'silent', destination: { write() {} } }),
      knownErrors: [],
      classifiers: [],
    }),
  );
  return { app, given };
}

/**
 * Resolves once `ms` of fake time have passed; when the signal aborts it stops and rejects a
 * moment later, as a query does once the database has answered the cancel.
 */
function work(ms: number, signal: AbortSignal): Promise<Response> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(new Response('done')), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      setTimeout(() => reject(signal.reason), 0);
    });
  });
}

/** A body read that never ends: the client stopped sending mid-body. */
const stalledBody = () => new Promise<Response>(() => {});

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('requestTimeout', () => {
  it('lets work that finishes in time answer, and leaves no timer behind', async () => {
    const { app, given } = timedApp((signal) => work(TIMEOUT_MS - 1, signal));
    const pending = app.request('/');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('done');
    expect(given).toHaveLength(1);
    expect(given[0]?.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('answers 504 at the deadline and aborts the signal the work runs under', async () => {
    let seen: AbortSignal | undefined;
    const { app, given } = timedApp((signal) => {
      seen = signal;
      return work(10 * TIMEOUT_MS, signal);
    });
    const pending = app.request('/');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    const response = await pending;
    expect(response.status).toBe(504);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({
      type: '/problems/request-timeout',
      detail: `The request did not finish within ${TIMEOUT_MS} ms and was cancelled.`,
    });
    // The handler's signal and the database's are the one that aborted.
    expect(seen).toBe(given[0]);
    expect(seen?.aborted).toBe(true);
    expect(String(seen?.reason)).toContain(`did not finish within ${TIMEOUT_MS} ms`);
    // The cancelled work stops, and what it throws then cannot change the answer sent.
    await vi.runAllTimersAsync();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not answer before the deadline', async () => {
    const { app } = timedApp((signal) => work(10 * TIMEOUT_MS, signal));
    let answered = false;
    const pending = Promise.resolve(app.request('/')).then((response) => {
      answered = true;
      return response;
    });
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    expect(answered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(504);
  });

  it("answers 408 and closes the connection when the client's body had not arrived", async () => {
    const { app } = timedApp(stalledBody);
    // @hono/node-server passes Node's request as env.incoming; `complete` is false mid-body.
    const pending = app.request('/', {}, { incoming: { complete: false } });
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    const response = await pending;
    expect(response.status).toBe(408);
    expect(response.headers.get('connection')).toBe('close');
    expect((await response.json()).type).toBe('/problems/request-body-timeout');
  });

  it('keeps its answer when the cancelled work throws at once', async () => {
    // A handler that rejects in the same tick as the abort reaches the error handler while the
    // timeout's answer is still on its way up: that answer must stand, 408 and all.
    const { app } = timedApp(
      (signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('read aborted')));
        }),
    );
    const pending = app.request('/', {}, { incoming: { complete: false } });
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    const response = await pending;
    expect(response.status).toBe(408);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toMatchObject({
      type: '/problems/request-body-timeout',
      detail: `The request body did not arrive within ${TIMEOUT_MS} ms.`,
    });
  });

  it('keeps the 504 when the whole request had arrived', async () => {
    const { app } = timedApp(stalledBody);
    const pending = app.request('/', {}, { incoming: { complete: true } });
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    const response = await pending;
    expect(response.status).toBe(504);
    expect(response.headers.get('connection')).toBeNull();
  });

  it('gives every request its own signal', async () => {
    const { app, given } = timedApp(async () => new Response('ok'));
    await Promise.all([app.request('/'), app.request('/')]);
    expect(given).toHaveLength(2);
    expect(given[0]).not.toBe(given[1]);
  });
});
