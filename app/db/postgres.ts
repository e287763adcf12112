// PostgreSQL through postgres.js. Queries started inside `cancellable()` are cancelled on the
// server (a real cancel request, not just an abandoned promise) when the signal aborts, so a
// request that timed out stops holding locks and doing work. The same interception reports every
// query to the telemetry (a db span under the request's span, the query-duration histogram).
import { AsyncLocalStorage } from 'node:async_hooks';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { DbTarget, QueryObserver } from '../telemetry/db.ts';
import type { Database, SqlSession } from './database.ts';
import { withTimeout } from './database.ts';
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

export function openPostgres(options: PostgresOptions): Database {
  const sql = postgres(options.url, {
    max: options.poolMax,
    connect_timeout: Math.ceil(options.connectTimeoutMs / 1000),
    idle_timeout: 60,
    max_lifetime: 60 * 30,
    onnotice: () => {},
    connection: { application_name: options.applicationName },
  });
  const scope = new AsyncLocalStorage<AbortSignal>();
  const url = new URL(options.url);
  const observer =
    options.observeQueries?.({
      system: 'postgresql',
      namespace: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
      address: url.hostname,
      port: Number(url.port) || 5432,
      poolMax: options.poolMax,
    }) ?? NO_OBSERVER;
  const cancelOnAbort = new Proxy(sql, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'unsafe') return value;
      return (...args: Parameters<typeof target.unsafe>) => {
        const query = target.unsafe(...args);
        const settled = observer.start(args[0]);
        // postgres.js runs a query once something awaits it; drizzle awaits it right after this
        // returns, so listening here starts nothing early.
        query.then(
          () => settled(),
          (error: unknown) => settled(error),
        );
        const signal = scope.getStore();
        if (signal) {
          if (signal.aborted) query.cancel();
          else signal.addEventListener('abort', () => query.cancel(), { once: true });
        }
        return query;
      };
    },
  });
  const orm = drizzle({ client: cancelOnAbort, schema });

  return {
    engine: 'postgres',
    orm,
    async ping(timeoutMs) {
      await withTimeout(sql`select 1`.execute(), timeoutMs, 'database ping');
    },
    cancellable(signal, work) {
      return scope.run(signal, work);
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
