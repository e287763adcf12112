// The API when PostgreSQL fails under it: unreachable, dropped, never migrated, too slow, or
// aborting one of two writes that deadlock. Each answers a documented problem (503 with
// Retry-After, 504, or the 409 a serial order gives), never a 500, and no log line carries a
// name or email the requests sent: a failed query's error holds every bound value.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type ObservedApp, startObservedApp } from '../support/observed-app.ts';

/** Values no log line may hold: each request below sends some of them. */
const PERSONAL = ['Zebulon', 'Quillfeather', 'zebulon.private@example.com', 'swap-a@example.org'];

function expectNoPersonalValues(app: ObservedApp): void {
  const logged = JSON.stringify(app.logs);
  for (const value of PERSONAL) expect(logged, `a log line holds ${value}`).not.toContain(value);
}

const personalUser = {
  firstName: 'Zebulon',
  lastName: 'Quillfeather',
  email: 'zebulon.private@example.com',
};

async function send(app: ObservedApp, method: string, path: string, body?: unknown) {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  return { response, problem: (await response.json()) as { type: string; status: number } };
}

async function expectUnavailable(app: ObservedApp): Promise<void> {
  for (const [method, path, body] of [
    ['POST', '/api/v2/users', personalUser],
    ['PATCH', '/api/v2/users/1', personalUser],
    ['GET', '/api/v2/users', undefined],
    ['GET', '/api/v1/users/1', undefined],
  ] as const) {
    const { response, problem } = await send(app, method, path, body);
    expect(response.status, `${method} ${path}`).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('retry-after')).toBe('1');
    expect(problem).toMatchObject({ type: '/problems/service-unavailable', status: 503 });
  }
}

describe('a database that is not there', () => {
  it('unreachable (connection refused): 503 with Retry-After, no values in the log', async () => {
    const app = await startObservedApp(
      'postgres://postgres@127.0.0.1:1/nowhere',
      { DB_CONNECT_TIMEOUT_MS: '500' },
      { migrate: false },
    );
    try {
      await expectUnavailable(app);
      expect(app.logs.some((line) => line.msg === 'database unavailable')).toBe(true);
      expectNoPersonalValues(app);
    } finally {
      await app.close();
    }
  });

  it('not migrated (no users table): 503 with Retry-After, no values in the log', async () => {
    const database = await createTestDatabase();
    const app = await startObservedApp(database.url, {}, { migrate: false });
    try {
      await expectUnavailable(app);
      expectNoPersonalValues(app);
    } finally {
      await app.close();
      await database.drop();
    }
  });

  it('dropped under the running app: 503 with Retry-After, no values in the log', async () => {
    const database = await createTestDatabase();
    const app = await startObservedApp(database.url);
    try {
      expect((await send(app, 'GET', '/api/v2/users')).response.status).toBe(200);
      await database.drop();
      await expectUnavailable(app);
      expectNoPersonalValues(app);
    } finally {
      await app.close();
    }
  });
});

describe('a database that is slow or contended', () => {
  let database: TestDatabase;
  let app: ObservedApp;
  let sql: postgres.Sql;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startObservedApp(database.url, { REQUEST_TIMEOUT_MS: '300' });
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await database?.drop();
  });

  it('a write past the timeout: 504, and the cancelled query leaves no values in the log', async () => {
    const locker = await sql.reserve();
    try {
      await locker`begin`;
      await locker`lock table users in access exclusive mode`;
      const { response } = await send(app, 'POST', '/api/v2/users', personalUser);
      expect(response.status).toBe(504);
      // The cancelled insert unwinds after the answer: wait for its log line.
      for (let attempt = 0; attempt < 50; attempt++) {
        if (app.logs.some((line) => line.msg === 'work cancelled after request timeout')) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(app.logs.some((line) => line.msg === 'work cancelled after request timeout')).toBe(
        true,
      );
    } finally {
      await locker`commit`;
      locker.release();
    }
    expectNoPersonalValues(app);
  });
});

describe('concurrent email swaps on PostgreSQL', () => {
  let database: TestDatabase;
  let app: ObservedApp;
  let sql: postgres.Sql;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startObservedApp(database.url);
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    // The deadlock needs both UPDATEs to have written their row before either checks the unique
    // index: a real race, rare on an idle machine. An index that takes 300 ms to insert into,
    // placed before the unique one (indexes are filled in creation order), makes it certain.
    await sql.unsafe(`
      create function slow_key(value text) returns text language plpgsql immutable as
        $$ begin perform pg_sleep(0.3); return value; end $$;
      drop index users_email_lower_key;
      create index users_slow_key on users (slow_key(email));
      create unique index users_email_lower_key on users (lower(email));`);
  });
  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await database?.drop();
  });

  it('deadlock, are retried and end as the 409s a serial order gives, never a 500', async () => {
    const statuses: number[] = [];
    for (let round = 0; round < 2; round++) {
      const a = await send(app, 'POST', '/api/v2/users', {
        firstName: 'Swap',
        lastName: 'A',
        email: `swap-a-${round}@example.org`,
      });
      const b = await send(app, 'POST', '/api/v2/users', {
        firstName: 'Swap',
        lastName: 'B',
        email: `swap-b-${round}@example.org`,
      });
      const [idA, idB] = [a, b].map(({ problem }) => (problem as unknown as { id: number }).id);
      const both = await Promise.all([
        send(app, 'PATCH', `/api/v2/users/${idA}`, { email: `swap-b-${round}@example.org` }),
        send(app, 'PATCH', `/api/v2/users/${idB}`, { email: `swap-a-${round}@example.org` }),
      ]);
      for (const { response, problem } of both) {
        statuses.push(response.status);
        if (response.status === 409) expect(problem.type).toBe('/problems/email-taken');
      }
    }
    // Neither swap can succeed while the other's row still holds the address.
    expect(
      statuses.every((status) => status === 409),
      statuses.join(','),
    ).toBe(true);
    const metrics = await (await fetch(app.metricsUrl)).text();
    expect(metrics).toMatch(
      /db_client_contention_total\{db_response_status_code="40P01",outcome="retried"\} [1-9]/,
    );
    expectNoPersonalValues(app);
  });
});
