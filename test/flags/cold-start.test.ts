// An Unleash that does not answer never keeps the app from starting or from being ready: after
// UNLEASH_STARTUP_WAIT_MS it serves the flags file and keeps polling. No Unleash server needed
// (nothing listens on the port); under two seconds.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { rolloutFlag, writeFlagsFile } from '../support/flags.ts';
import { freePort } from '../support/ports.ts';

let database: TestDatabase;
let file: Awaited<ReturnType<typeof writeFlagsFile>>;
let app: TestApp;
let startupMs: number;

beforeAll(async () => {
  database = await createTestDatabase();
  file = await writeFlagsFile(rolloutFlag('new_recommendation_algo', 100));
  const started = performance.now();
  app = await startTestApp(database.url, {
    UNLEASH_URL: `http://127.0.0.1:${await freePort()}/api/`,
    UNLEASH_API_TOKEN: 'default:development.unused',
    UNLEASH_STARTUP_WAIT_MS: '300',
    UNLEASH_REFRESH_INTERVAL_MS: '200',
    FLAGS_FILE: file.path,
  });
  startupMs = performance.now() - started;
});

afterAll(async () => {
  await app?.close();
  await file?.remove();
  await database?.drop();
});

it('starts, is ready and serves the flags file while Unleash is unreachable', async () => {
  process.stdout.write(
    `[cold-start.test] app started in ${Math.round(startupMs)} ms with Unleash down\n`,
  );
  expect(app.deps.flags.state).not.toBe('synced');
  expect((await fetch(`${app.url}/ready`)).status).toBe(200);
  const created = await fetch(`${app.url}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Cold Start', email: 'cold@example.com' }),
  });
  const { id } = (await created.json()) as { id: number };
  const answer = await fetch(`${app.url}/api/v2/users/${id}/recommendations`);
  expect(answer.status).toBe(200);
  expect(await answer.json()).toMatchObject({ algorithm: 'new' });
  await expect
    .poll(async () => (await app.deps.telemetry.expose(undefined)).body, { timeout: 5_000 })
    .toMatch(/feature_flag_client_errors_total\{error_type="unavailable"\} [1-9]/);
});
