// PostgreSQL through postgres.js. Queries started inside `cancellable()` are cancelled on the
// server (a real cancel request, not just an abandoned promise) when the signal aborts, so a
// request that timed out stops holding locks and doing work. The same interception reports every
// query to the telemetry (a db span under the request's span, the query-duration histogram).
import { AsyncLocalStorage } from 'node:async_hooks';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { type DbTarget, observeQuery, type QueryObserver } from '../telemetry/db.ts';
import type { Database, SqlSession } from './database.ts';
import { withTimeout } from './database.ts';
import { POSTGRES_PIPELINE_OPTION } from './postgres-pipeline.ts';
import * as schema from './schema.ts';

export interface PostgresOptions {
  url: string;
  poolMax: number;
  connectTimeoutMs: number;
  applicationName: string;
  /** Telemetry for the queries the app makes (not the migration runner's sessions). */
  observeQueries?: (target: DbTarget) => QueryObserver;
}

const NO_OBSERVER: QueryObserver = { start: () => () => {} };

/** What of postgres.js's query object cancelling uses. */
type CancellableQuery = PromiseLike<unknown> & { cancel(): unknown };

/** A request's signal, and those of its queries that are still running. */
interface CancellableRequest {
  signal: AbortSignal;
  running?: Set<CancellableQuery>;
}

/**
 * Cancels `query` when the request's signal aborts. One listener per request, added by its first
 * query, cancels whatever is still running then; a query leaves the set when it settles, so a
 * request making many queries keeps none alive that finished.
 */
function cancelWithRequest(request: CancellableRequest, query: CancellableQuery) {
  if (request.signal.aborted) {
    query.cancel();
    return;
  }
  if (!request.running) {
    const running = new Set<CancellableQuery>();
    request.running = running;
    request.signal.addEventListener(
      'abort',
      () => {
        for (const pending of running) pending.cancel();
      },
      { once: true },
    );
  }
  const running = request.running;
  const forget = () => running.delete(query);
  running.add(query);
  query.then(forget, forget);
}

export function openPostgres(options: PostgresOptions): Database {
  const sql = postgres(options.url, {
    max: options.poolMax,
    connect_timeout: Math.ceil(options.connectTimeoutMs / 1000),
    idle_timeout: 60,
    max_lifetime: 60 * 30,
    onnotice: () => {},
    connection: { application_name: options.applicationName },
    ...POSTGRES_PIPELINE_OPTION,
    // postgres.js waits before reconnecting, 3^failures / 100 s up to 20 s by default, and a
    // query waits with it: during an outage requests hung until their timeout (504) instead of
    // failing fast with 503. Capped at half a second, still jittered: at most a few connection
    // attempts a second per pooled connection while the database is down.
    backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 0.5),
  });
  const scope = new AsyncLocalStorage<CancellableRequest>();
  const url = new URL(options.url);
  const observer =
    options.observeQueries?.({
      system: 'postgresql',
      namespace: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
      server: { address: url.hostname, port: Number(url.port) || 5432 },
      poolMax: options.poolMax,
    }) ?? NO_OBSERVER;
  // drizzle sends every query through `unsafe`; a transaction's queries go through the `sql` that
  // postgres.js hands to the callback of `begin` (or `savepoint`), a separate instance per
  // transaction, so that one is wrapped the same way. postgres.js sends BEGIN, COMMIT, ROLLBACK
  // and SAVEPOINT itself, past `unsafe`: those are not seen.
  const instrument = <Client extends postgres.ISql>(client: Client): Client =>
    new Proxy(client, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property === 'begin' || property === 'savepoint') {
          const open = value as (...args: unknown[]) => Promise<unknown>;
          return (...args: unknown[]) =>
            open(
              ...args.map((arg) =>
                typeof arg === 'function'
                  ? (transaction: postgres.TransactionSql) => arg(instrument(transaction))
                  : arg,
              ),
            );
        }
        if (property !== 'unsafe') return value;
        return (...args: Parameters<typeof target.unsafe>) =>
          // postgres.js sends a query a microtask after something first awaits it: the observer
          // listening now changes nothing, and drizzle's `.values()` right after still applies.
          observeQuery(observer, args[0], () => {
            const query = target.unsafe(...args);
            const request = scope.getStore();
            if (request) cancelWithRequest(request, query);
            return query;
          });
      },
    });
  const orm = drizzle({ client: instrument(sql), schema });

  return {
    engine: 'postgres',
    orm,
    async ping(timeoutMs) {
      await withTimeout(sql`select 1`.execute(), timeoutMs, 'database ping');
    },
    cancellable(signal, work) {
      return scope.run({ signal }, work);
    },
    async session(): Promise<SqlSession> {
      const reserved = await sql.reserve();
      return {
        async query<Row>(text: string, params: unknown[] = []) {
          return (await reserved.unsafe(text, params as never[])) as unknown as Row[];
        },
        async exec(text) {
          await reserved.unsafe(text).simple();
        },
        async release() {
          reserved.release();
        },
      };
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
