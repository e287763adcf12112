// A request past REQUEST_TIMEOUT_MS gets a 504 problem AND its work stops: the insert it was
// waiting on is cancelled in PostgreSQL, so releasing the lock later creates nothing.
import { once } from 'node:events';
import { connect } from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app-server.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let database: TestDatabase;
let app: TestApp;
let sql: postgres.Sql;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database.url, { REQUEST_TIMEOUT_MS: '300' });
  sql = postgres(database.url, { max: 2, onnotice: () => {} });
});

afterAll(async () => {
  await sql?.end();
  await app?.close();
  await database?.drop();
});

it('answers 504 and cancels the database work of a request that runs too long', async () => {
  const locker = await sql.reserve();
  try {
    await locker`begin`;
    await locker`lock table users in access exclusive mode`;

    const response = await fetch(`${app.url}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Too Slow', email: 'slow@example.com' }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(504);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ type: '/problems/request-timeout', status: 504 });

    // The app's insert must no longer be waiting for the lock: it was cancelled, not abandoned.
    let waiting = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 50 && waiting > 0; attempt++) {
      const [row] = await sql`
        select count(*)::int as waiting from pg_stat_activity
        where datname = current_database() and application_name = 'myapp' and wait_event_type = 'Lock'`;
      waiting = row?.waiting ?? 0;
      if (waiting > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(waiting).toBe(0);
  } finally {
    await locker`commit`;
    locker.release();
  }
  const rows = await sql`select count(*)::int as n from users where email = 'slow@example.com'`;
  expect(rows[0]?.n).toBe(0);

  // And the app is fine afterwards.
  const after = await fetch(`${app.url}/api/v1/users`, { signal: AbortSignal.timeout(5_000) });
  expect(after.status).toBe(200);
});

it('answers 408, not 504, when the client stalls while sending its body', async () => {
  const { port, hostname } = new URL(app.url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    received += chunk;
  });
  // A body of 200 bytes declared, 20 sent, then nothing.
  socket.write(
    'POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"name":"Stalled Up',
  );
  await once(socket, 'end');
  socket.destroy();
  expect(received).toMatch(/^HTTP\/1\.1 408 /);
  expect(received).toContain('application/problem+json');
  expect(received).toContain('/problems/request-body-timeout');
  // The availability SLO counts 5xx only: this answer is the client's, and counted as 408.
  const exposition = await app.deps.telemetry.expose(undefined);
  expect(exposition.body).toMatch(
    /http_server_request_duration_seconds_count\{[^}]*http_response_status_code="408"[^}]*\} 1/,
  );
});
