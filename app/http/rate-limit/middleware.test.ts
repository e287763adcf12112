import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory-store.ts';
import { type RateLimitOptions, rateLimit } from './middleware.ts';
import type { RateLimitStore } from './store.ts';

const WINDOW_MS = 60_000;

/**
 * The middleware over the in-process store on a clock the test moves. The policy is the path's
 * version here, standing in for the API's negotiation, which runs before it in the app.
 */
function limited(options: Partial<RateLimitOptions> = {}) {
  const clock = { now: 0 };
  const storeErrors: unknown[] = [];
  const app = new Hono<{ Bindings: { peer?: string } }>();
  app.use(
    rateLimit({
      store: createMemoryStore(() => clock.now),
      policy: (c) => /^\/api\/(v\d+)\//.exec(c.req.path)?.[1],
      limits: { v1: 2, v2: 3 },
      windowMs: WINDOW_MS,
      trustedProxyHops: 0,
      peerAddress: (c) => c.env?.peer,
      onStoreError: (error) => storeErrors.push(error),
      ...options,
    }),
  );
  app.get('/api/:version/users', (c) => c.json([]));
  app.get('/health', (c) => c.text('ok'));
  /** A request from the TCP peer `address`, as the runtime's peerAddress reports it. */
  const request = (path: string, address = '198.51.100.1', headers: Record<string, string> = {}) =>
    app.request(path, { headers }, { peer: address });
  /** A request from a runtime that knows no peer address. */
  const anonymous = (path: string) => app.request(path);
  return { request, anonymous, clock, storeErrors };
}

/** The statuses of `count` requests sent one after another. */
async function statuses(
  count: number,
  send: (index: number) => Response | Promise<Response>,
): Promise<number[]> {
  const answered: number[] = [];
  for (let index = 0; index < count; index++) answered.push((await send(index)).status);
  return answered;
}

describe('rateLimit', () => {
  it('tells the client its policy and what is left of its window on every answer', async () => {
    const { request, clock } = limited();
    const first = await request('/api/v2/users');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('"v2";q=3;w=60');
    expect(first.headers.get('ratelimit')).toBe('"v2";r=2;t=60');
    clock.now = 15_500;
    const second = await request('/api/v2/users');
    // 44.5 s left: rounded up, never promising a reset before it happens.
    expect(second.headers.get('ratelimit')).toBe('"v2";r=1;t=45');
  });

  it('answers 429 with Retry-After once a client is over its limit', async () => {
    const { request, clock } = limited();
    expect(await statuses(2, () => request('/api/v1/users'))).toEqual([200, 200]);
    clock.now = 20_000;
    const over = await request('/api/v1/users');
    expect(over.status).toBe(429);
    expect(over.headers.get('content-type')).toBe('application/problem+json');
    expect(over.headers.get('retry-after')).toBe('40');
    expect(over.headers.get('ratelimit-policy')).toBe('"v1";q=2;w=60');
    expect(over.headers.get('ratelimit')).toBe('"v1";r=0;t=40');
    expect(await over.json()).toMatchObject({
      type: '/problems/rate-limited',
      status: 429,
      detail: 'More than 2 requests in 60 s to API v1; retry in 40 s.',
      instance: '/api/v1/users',
    });
  });

  it('lets the client in again once its window has passed', async () => {
    const { request, clock } = limited();
    await statuses(3, () => request('/api/v1/users'));
    clock.now = WINDOW_MS - 1;
    expect((await request('/api/v1/users')).status).toBe(429);
    clock.now = WINDOW_MS;
    const renewed = await request('/api/v1/users');
    expect(renewed.status).toBe(200);
    expect(renewed.headers.get('ratelimit')).toBe('"v1";r=1;t=60');
  });

  it('never says less than one second to wait', async () => {
    const { request, clock } = limited();
    await statuses(2, () => request('/api/v1/users'));
    clock.now = WINDOW_MS - 10;
    expect((await request('/api/v1/users')).headers.get('retry-after')).toBe('1');
  });

  it('keeps one bucket per client address', async () => {
    const { request } = limited();
    await statuses(3, () => request('/api/v1/users', '198.51.100.1'));
    expect((await request('/api/v1/users', '198.51.100.1')).status).toBe(429);
    const other = await request('/api/v1/users', '198.51.100.2');
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit')).toBe('"v1";r=1;t=60');
  });

  it('counts requests with no known peer in one shared bucket', async () => {
    const { anonymous } = limited();
    await statuses(2, () => anonymous('/api/v1/users'));
    expect((await anonymous('/api/v1/users')).status).toBe(429);
  });

  it('keeps one bucket per version, each with its own limit', async () => {
    const { request } = limited();
    await statuses(3, () => request('/api/v1/users'));
    const v2 = await request('/api/v2/users');
    expect(v2.status).toBe(200);
    expect(v2.headers.get('ratelimit')).toBe('"v2";r=2;t=60');
  });

  it('counts a client behind a trusted proxy by its forwarded address', async () => {
    const { request } = limited({ trustedProxyHops: 1 });
    const viaProxy = (client: string) =>
      request('/api/v1/users', '10.0.0.1', { 'x-forwarded-for': client });
    await statuses(2, () => viaProxy('203.0.113.7'));
    expect((await viaProxy('203.0.113.7')).status).toBe(429);
    // Another client through the same proxy has its own bucket.
    expect((await viaProxy('203.0.113.8')).status).toBe(200);
  });

  it('ignores X-Forwarded-For when no proxy is trusted: a client cannot pick its bucket', async () => {
    const { request } = limited();
    const claiming = (claim: string) =>
      request('/api/v1/users', '198.51.100.1', { 'x-forwarded-for': claim });
    expect(await statuses(3, (index) => claiming(`192.0.2.${index}`))).toEqual([200, 200, 429]);
  });

  it('leaves unversioned paths and versions without a limit alone', async () => {
    const { request } = limited({ limits: { v2: 1 } });
    for (let attempt = 0; attempt < 5; attempt++) {
      const health = await request('/health');
      expect(health.status).toBe(200);
      expect(health.headers.get('ratelimit')).toBeNull();
      const v1 = await request('/api/v1/users');
      expect(v1.status).toBe(200);
      expect(v1.headers.get('ratelimit-policy')).toBeNull();
    }
  });

  it('lets requests through and reports it when the store fails', async () => {
    const failure = new Error('connection refused');
    const broken: RateLimitStore = {
      hit: () => Promise.reject(failure),
      close: async () => {},
    };
    const { request, storeErrors } = limited({ store: broken });
    const response = await request('/api/v1/users');
    expect(response.status).toBe(200);
    expect(response.headers.get('ratelimit')).toBeNull();
    expect(storeErrors).toEqual([failure]);
  });
});
