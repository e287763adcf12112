// Readiness follows the database: a PostgreSQL server of this test's own is stopped and started
// under a running app. /ready must turn 503 quickly, API requests must fail fast with a 503
// problem instead of hanging, and everything recovers without restarting the app.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app-server.ts';
import { createTestDatabase } from './support/database.ts';
import { type EmbeddedServer, startEmbeddedPostgres } from './support/embedded-postgres.ts';

let server: EmbeddedServer;
let app: TestApp;

beforeAll(async () => {
  server = await startEmbeddedPostgres();
  const database = await createTestDatabase(server.url);
  app = await startTestApp(database.url, {
    READY_DB_TIMEOUT_MS: '500',
    DB_CONNECT_TIMEOUT_MS: '1000',
  });
});

afterAll(async () => {
  await app?.close();
  await server?.destroy();
});

async function ready(): Promise<{ status: number; body: { checks: Record<string, string> } }> {
  const response = await fetch(`${app.url}/ready`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.json() };
}

/** Polls /ready until it answers `status`; returns how long that took. */
async function waitForReady(status: number, withinMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if ((await ready()).status === status) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `/ready did not answer ${status} within ${withinMs} ms: ${JSON.stringify(await ready())}`,
  );
}

it('is ready while the database answers', async () => {
  const { status, body } = await ready();
  expect(status).toBe(200);
  expect(body.checks).toEqual({ lifecycle: 'ready', database: 'ok', schema: 'ok' });
  expect((await fetch(`${app.url}/api/v1/users`)).status).toBe(200);
});

it('turns 503 within 2 s of the database stopping, and API requests fail fast with 503', async () => {
  await server.stop();
  await waitForReady(503, 2_000);
  const { body } = await ready();
  // Which check failed, and nothing of hosts, ports or error texts: /ready is on the public port.
  expect(body.checks).toEqual({ lifecycle: 'ready', database: 'unavailable', schema: 'ok' });

  const response = await fetch(`${app.url}/api/v1/users`, { signal: AbortSignal.timeout(5_000) });
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.headers.get('retry-after')).toBe('1');
  expect(await response.json()).toMatchObject({
    type: '/problems/service-unavailable',
    status: 503,
  });

  const health = await fetch(`${app.url}/health`);
  expect(health.status).toBe(200);
});

it('is ready again once the database is back, without restarting the app', async () => {
  await server.start();
  await waitForReady(200, 15_000);
  const created = await fetch(`${app.url}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Back Again', email: 'back@example.com' }),
  });
  expect(created.status).toBe(201);
});
