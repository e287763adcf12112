// `npm start` on a bare machine: no DATABASE_URL, the embedded PGlite default under DATA_DIR.
// It serves the API, migrates itself, keeps data across a restart, and stops cleanly.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AppProcess, killApp, spawnApp, startAppProcess } from '../support/app-process.ts';
import { freePort } from '../support/ports.ts';

let dataDir: string;
let app: AppProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'myapp-start-'));
});

afterAll(async () => {
  await killApp(app);
  await rm(dataDir, { recursive: true, force: true });
});

const env = () => ({ DATA_DIR: dataDir, DRAIN_DELAY_MS: '0', SHUTDOWN_TIMEOUT_MS: '5000' });

it('serves /ready and the users API on the embedded database', async () => {
  app = await startAppProcess(env());
  const ready = await fetch(`${app.url}/ready`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({
    status: 'ready',
    checks: { database: 'ok', schema: 'ok' },
  });

  const created = await fetch(`${app.url}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Still Here', email: 'still@example.com' }),
  });
  expect(created.status).toBe(201);

  // One JSON access-log line per request, with the route template and no body.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const access = app.logs.find((line) => line.msg === 'request' && line.method === 'POST');
  expect(access).toMatchObject({
    route: '/api/v1/users',
    status: 201,
    request_id: created.headers.get('x-request-id'),
  });
  expect(JSON.stringify(app.logs)).not.toContain('still@example.com');

  app.child.kill('SIGTERM');
  expect(await app.exited).toBe(0);
});

it('still has the user after a restart', async () => {
  app = await startAppProcess(env());
  const response = await fetch(`${app.url}/api/v1/users`);
  const page = (await response.json()) as { data: { name: string; email: string }[] };
  expect(page.data).toEqual([
    { id: expect.any(Number), name: 'Still Here', email: 'still@example.com' },
  ]);
  app.child.kill('SIGINT');
  expect(await app.exited).toBe(0);
});

it('refuses a second process on the same embedded data folder, naming the first', async () => {
  app = await startAppProcess(env());
  const second = spawnApp({ ...env(), PORT: String(await freePort()) });
  expect(await second.exited).toBe(1);
  const fatal = second.logs.find((line) => line.level === 'fatal');
  expect(String(fatal?.msg)).toContain(`in use by another process (pid ${app.child.pid})`);
  // The first one is unharmed.
  expect((await fetch(`${app.url}/api/v1/users`)).status).toBe(200);
  app.child.kill('SIGTERM');
  expect(await app.exited).toBe(0);
});

it('refuses to start on bad configuration, naming every bad variable', async () => {
  const bad = spawnApp({ PORT: 'http', LOG_LEVEL: 'loud', DATA_DIR: dataDir });
  expect(await bad.exited).toBe(2);
  expect(bad.stderr()).toContain('Invalid configuration');
  expect(bad.stderr()).toMatch(/PORT="http"/);
  expect(bad.stderr()).toMatch(/LOG_LEVEL="loud"/);
});
