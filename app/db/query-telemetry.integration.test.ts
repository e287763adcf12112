// Every query the ORM makes is observed, on either client and inside transactions too: a db span
// under the request's span and an observation of the query-duration histogram. On PostgreSQL a
// transaction's queries are also cancelled on the server with their request. Real PostgreSQL,
// real PGlite, the real SDK tracer (spans kept in memory) and the app's own metrics registry.
import { AsyncLocalStorage } from 'node:async_hooks';
import { getEventListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryObjects } from 'node:v8';
import { type Context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, openTestPostgres } from '../../test/support/database.ts';
import { apiServerConfig } from '../config/processes.ts';
import { createQueryObserver, type DbTarget } from '../telemetry/db.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import type { Database } from './database.ts';
import { openDatabase } from './open.ts';

const APPLICATION = 'query-telemetry-test';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The telemetry's query observer, reading the request's context from a scope of its own. */
function queryTelemetry() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer(APPLICATION);
  const { metrics } = createMetrics();
  const requests = new AsyncLocalStorage<Context>();
  return {
    observeQueries: (target: DbTarget) =>
      createQueryObserver(target, tracer, () => requests.getStore(), metrics),
    /** Runs `work` as a traced request and returns the request span's id. */
    async inRequest(work: () => Promise<unknown>): Promise<string> {
      const span = tracer.startSpan('request');
      try {
        await requests.run(trace.setSpan(ROOT_CONTEXT, span), work);
      } finally {
        span.end();
      }
      return span.spanContext().spanId;
    },
    async span(name: string): Promise<ReadableSpan | undefined> {
      await provider.forceFlush();
      return exporter.getFinishedSpans().find((span) => span.name === name);
    },
    /** How many queries with these labels the duration histogram counted. */
    async counted(labels: Record<string, string>): Promise<number> {
      const { values } = await metrics.dbClientOperationDuration.get();
      return values
        .filter(
          (value) =>
            value.metricName === 'db_client_operation_duration_seconds_count' &&
            Object.entries(labels).every(
              ([name, label]) => (value.labels as Record<string, unknown>)[name] === label,
            ),
        )
        .reduce((sum, value) => sum + value.value, 0);
    },
  };
}

describe('on PostgreSQL', () => {
  const telemetry = queryTelemetry();
  let url: URL;
  let db: Database;
  let monitor: postgres.Sql;

  beforeAll(async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    url = new URL(database.url);
    db = openTestPostgres(database.url, APPLICATION, 2, telemetry.observeQueries);
    cleanups.push(() => db.close());
    monitor = postgres(database.url, { max: 1, onnotice: () => {} });
    cleanups.push(() => monitor.end());
  });

  it('observes the queries of a transaction and of its savepoints, under the request span', async () => {
    const requestSpanId = await telemetry.inRequest(() =>
      db.orm.transaction(async (tx) => {
        await tx.execute(sql`select count(*) from pg_class`);
        await tx.transaction(async (savepoint) => {
          await savepoint.execute(sql`select count(*) from pg_namespace`);
        });
      }),
    );

    for (const table of ['pg_class', 'pg_namespace']) {
      const span = await telemetry.span(`select ${table}`);
      expect(span?.parentSpanContext?.spanId, table).toBe(requestSpanId);
      expect(span?.attributes).toMatchObject({
        'db.system.name': 'postgresql',
        'db.namespace': url.pathname.slice(1),
        'db.collection.name': table,
        'server.address': url.hostname,
      });
      expect(
        await telemetry.counted({ db_operation_name: 'select', db_collection_name: table }),
      ).toBe(1);
    }
  });

  it("cancels a transaction's query on the server when the signal aborts", async () => {
    const sleeping = async () => {
      const [row] = await monitor`
        select count(*)::int as n from pg_stat_activity
        where application_name = ${APPLICATION} and state = 'active' and query like '%pg_sleep%'`;
      return row?.n as number;
    };
    const controller = new AbortController();
    const outcome = db
      .cancellable(controller.signal, () =>
        db.orm.transaction(async (tx) => {
          await tx.execute(sql`select pg_sleep(10)`);
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    await vi.waitFor(async () => expect(await sleeping()).toBe(1), { timeout: 5_000 });

    controller.abort();
    // Cancelled in PostgreSQL (SQLSTATE 57014) and rolled back, not left sleeping for 10 s.
    expect(await outcome).toMatchObject({ cause: { code: '57014' } });
    expect(await sleeping()).toBe(0);
    expect(await telemetry.counted({ db_operation_name: 'select', error_type: '57014' })).toBe(1);
  });

  it('cancels every query a request starts with one abort listener, keeping none that settled', async () => {
    // postgres.js's query class, to count its live objects (v8.queryObjects collects first).
    const Query = Object.getPrototypeOf(monitor`select 1`).constructor;
    const controller = new AbortController();
    let kept = Number.NaN;
    const outcome = db
      .cancellable(controller.signal, async () => {
        const before = queryObjects(Query, { format: 'count' }) as number;
        for (let index = 0; index < 50; index++) await db.orm.execute(sql`select ${index}`);
        await db.orm.transaction((tx) => tx.execute(sql`select 1`));
        kept = (queryObjects(Query, { format: 'count' }) as number) - before;
        await db.orm.execute(sql`select pg_sleep(10)`);
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    await vi.waitFor(() => expect(kept).not.toBeNaN(), { timeout: 5_000 });
    expect(kept).toBeLessThan(10);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    expect(await outcome).toMatchObject({ cause: { code: '57014' } });
  });

  it('cancels at once a query started after the signal aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const started = performance.now();
    const outcome = await db
      // Awaited inside: drizzle's query runs when something awaits it, not when it is built.
      .cancellable(controller.signal, async () => await db.orm.execute(sql`select pg_sleep(10)`))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(outcome).toMatchObject({ cause: { code: '57014' } });
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('on PGlite', () => {
  const telemetry = queryTelemetry();
  let db: Database;

  // Opened as the app opens it without DATABASE_URL (seconds: PGlite starts up in WebAssembly).
  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'myapp-query-telemetry-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    db = await openDatabase(
      apiServerConfig.load({ DATA_DIR: dataDir }),
      APPLICATION,
      telemetry.observeQueries,
    );
    cleanups.push(() => db.close());
  });

  it('observes queries, transactions and savepoints, with no server to name', async () => {
    expect(db.engine).toBe('pglite');
    const requestSpanId = await telemetry.inRequest(async () => {
      await db.orm.execute(sql`select count(*) from pg_class`);
      await db.orm.transaction(async (tx) => {
        await tx.execute(sql`select count(*) from pg_namespace`);
        await tx.transaction(async (savepoint) => {
          await savepoint.execute(sql`select count(*) from pg_type`);
        });
      });
    });

    for (const table of ['pg_class', 'pg_namespace', 'pg_type']) {
      const span = await telemetry.span(`select ${table}`);
      expect(span?.parentSpanContext?.spanId, table).toBe(requestSpanId);
      expect(span?.attributes).toMatchObject({
        'db.system.name': 'postgresql',
        'db.namespace': 'postgres',
        'db.collection.name': table,
      });
      expect(Object.keys(span?.attributes ?? {})).not.toContain('server.address');
      expect(
        await telemetry.counted({ db_operation_name: 'select', db_collection_name: table }),
      ).toBe(1);
    }
  });
});
