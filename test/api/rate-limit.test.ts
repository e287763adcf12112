// Per-client, per-version rate limits shared by two app instances through a real Redis, and
// requests that keep flowing when Redis goes away.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app-server.ts';
import { type RedisServer, startRedisServer } from '../support/redis-server.ts';
import { describeWithTool } from '../support/tools.ts';

describeWithTool('redis-server', (redisBinary) => {
  let redis: RedisServer;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    redis = await startRedisServer(redisBinary);
    const env = {
      REDIS_URL: redis.url,
      RATE_LIMITS: 'v1=3,v2=5',
      RATE_LIMIT_WINDOW_MS: '60000',
      TRUST_PROXY_HOPS: '1',
    };
    first = await startTestApp(undefined, env);
    second = await startTestApp(undefined, env);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await redis?.stop();
  });

  const get = (app: TestApp, path: string, headers: Record<string, string>) =>
    fetch(`${app.url}${path}`, { headers });

  it('counts one client across both instances, per version, and answers 429 past the limit', async () => {
    const client = { 'x-forwarded-for': '203.0.113.7' };
    const statuses = [];
    for (const app of [first, second, first])
      statuses.push((await get(app, '/api/v1/users', client)).status);
    expect(statuses).toEqual([200, 200, 200]);

    const limited = await get(second, '/api/v1/users', client);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect(await limited.json()).toMatchObject({ type: '/problems/rate-limited', status: 429 });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('ratelimit-policy')).toBe('"v1";q=3;w=60');
    expect(limited.headers.get('ratelimit')).toMatch(/^"v1";r=0;t=\d+$/);

    // v2 has its own, larger budget for the same client (404s count too: they reach the app).
    const v2 = await get(first, '/api/v2/users', client);
    expect(v2.status).not.toBe(429);
    expect(v2.headers.get('ratelimit')).toMatch(/^"v2";r=4;t=\d+$/);
  });

  it('gives every client its own bucket: other addresses, API keys', async () => {
    expect((await get(first, '/api/v1/users', { 'x-forwarded-for': '203.0.113.8' })).status).toBe(
      200,
    );
    const keyed = { 'x-forwarded-for': '203.0.113.7', 'x-api-key': 'secret-key-1' };
    expect((await get(first, '/api/v1/users', keyed)).status).toBe(200);
  });

  it('trusts only the hops it is told to: a spoofed left-most X-Forwarded-For entry changes nothing', async () => {
    const spoofed = { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' };
    expect((await get(first, '/api/v1/users', spoofed)).status).toBe(429);
  });

  it('lets requests through, quickly, when Redis is down (fail open)', async () => {
    await redis.stop();
    const client = { 'x-forwarded-for': '203.0.113.7' };
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await fetch(`${first.url}/api/v1/users`, {
        headers: client,
        signal: AbortSignal.timeout(5_000),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit')).toBeNull();
    }
    // Each request let through uncounted is counted here: the RateLimitStoreFailing alert's input.
    const counted = await first.deps.telemetry.metrics.rateLimitStoreErrors.get();
    expect(counted.values.reduce((sum, value) => sum + value.value, 0)).toBe(5);
  });
});

it('counts per process without Redis', async () => {
  const app = await startTestApp(undefined, { RATE_LIMITS: 'v1=2' });
  try {
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++)
      statuses.push((await fetch(`${app.url}/api/v1/users`)).status);
    expect(statuses).toEqual([200, 200, 429]);
    // Unlisted versions are not limited.
    expect((await fetch(`${app.url}/api/v2/users`)).headers.get('ratelimit')).toBeNull();
  } finally {
    await app.close();
  }
});
