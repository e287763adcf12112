// SIGTERM under load, over real sockets, against the real app process and real PostgreSQL.
// Slow requests are made slow honestly: they wait for a lock this test holds on `users`.
// Every in-flight request must complete with `Connection: close`, idle keep-alive clients must be
// closed gracefully (FIN, never a reset), /ready must fail during the drain delay while the
// server still serves, and the process must exit 0 before its deadline.
import { connect, type Socket } from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyMigrations } from '../../app/db/migrate/runner.ts';
import { createLogger } from '../../app/telemetry/logger.ts';
import { type AppProcess, killApp, startAppProcess } from '../support/app-process.ts';
import { createTestDatabase, openTestPostgres, type TestDatabase } from '../support/database.ts';

const DRAIN_DELAY_MS = 1_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;
const SLOW_REQUESTS = 8;

let database: TestDatabase;
let app: AppProcess | undefined;
let sql: postgres.Sql;

beforeAll(async () => {
  database = await createTestDatabase();
  const db = openTestPostgres(database.url, 'migrate', 1);
  await applyMigrations(db, createLogger({ level: 'silent' }));
  await db.close();
  sql = postgres(database.url, { max: 2, onnotice: () => {} });
});

afterAll(async () => {
  await killApp(app);
  await sql?.end();
  await database?.drop();
});

/** A raw keep-alive client: one request, then it idles. Records how its connection ended. */
async function idleKeepAliveClient(
  url: string,
): Promise<{ socket: Socket; ended: Promise<string> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const ended = new Promise<string>((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code}`));
    socket.on('end', () => resolve('fin'));
  });
  let received = '';
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.includes('\r\n\r\n') && received.includes('"status"')) resolve();
    });
    socket.write(`GET /health HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`);
  });
  return { socket, ended };
}

async function appSessionsWaitingForLock(): Promise<number> {
  const [row] = await sql`
    select count(*)::int as n from pg_stat_activity
    where datname = current_database() and application_name = 'myapp' and wait_event_type = 'Lock'`;
  return row?.n ?? 0;
}

it('drains: in-flight requests finish, idle clients get FIN, /ready fails first, exit 0 in time', async () => {
  app = await startAppProcess({
    DATABASE_URL: database.url,
    DB_POOL_MAX: String(SLOW_REQUESTS + 2),
    DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
  });
  const url = app.url;
  const idleClients = await Promise.all([1, 2, 3].map(() => idleKeepAliveClient(url)));

  const locker = await sql.reserve();
  await locker`begin`;
  await locker`lock table users in access exclusive mode`;
  const inFlight = Array.from({ length: SLOW_REQUESTS }, () =>
    fetch(`${url}/api/v1/users`, { signal: AbortSignal.timeout(20_000) }).then(
      async (response) => ({
        status: response.status,
        connection: response.headers.get('connection'),
        body: await response.json(),
      }),
    ),
  );
  while ((await appSessionsWaitingForLock()) < SLOW_REQUESTS)
    await new Promise((resolve) => setTimeout(resolve, 50));

  const signalledAt = Date.now();
  app.child.kill('SIGTERM');

  // During the drain delay: readiness fails at once, liveness holds, and new connections are
  // still served (each draining response says `Connection: close`, so every fetch here opens one).
  let readyStatus = 0;
  for (let attempt = 0; attempt < 20 && readyStatus !== 503; attempt++) {
    readyStatus = (await fetch(`${url}/ready`)).status;
  }
  expect(readyStatus).toBe(503);
  const health = await fetch(`${url}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ lifecycle: 'draining' });

  // Past the drain delay the slow requests are still in flight; let them finish.
  await new Promise((resolve) =>
    setTimeout(resolve, DRAIN_DELAY_MS + 500 - (Date.now() - signalledAt)),
  );
  expect(app.child.exitCode).toBeNull();
  await locker`commit`;
  locker.release();

  const results = await Promise.all(inFlight);
  for (const result of results) {
    expect(result.status).toBe(200);
    expect(result.connection).toBe('close');
    expect(result.body).toEqual({ data: [], nextCursor: null });
  }
  for (const client of idleClients) expect(await client.ended).toBe('fin');

  expect(await app.exited).toBe(0);
  expect(Date.now() - signalledAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
  // The server no longer accepts connections.
  await expect(fetch(`${url}/health`)).rejects.toThrow();
});
