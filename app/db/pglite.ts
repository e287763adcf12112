// The embedded default: PostgreSQL compiled to WebAssembly, in this process, persisted in a
// folder. It has a single connection: the migration runner uses it before the server starts.
import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { type DbTarget, observeQuery, type QueryObserver } from '../telemetry/db.ts';
import { lockDataDir } from './data-dir-lock.ts';
import type { Database, SqlSession } from './database.ts';
import { withTimeout } from './database.ts';
import * as schema from './schema.ts';

// drizzle sends every query through `query` (savepoints included), and a transaction's through the
// object PGlite hands to the callback of `transaction`, so that one is wrapped the same way.
// PGlite sends BEGIN, COMMIT and ROLLBACK itself, past `query`: those are not seen.
function observed<Client extends PGlite | Transaction>(
  client: Client,
  observer: QueryObserver,
): Client {
  return new Proxy(client, {
    get(target, property) {
      // PGlite's methods use its private fields, so they must run on the instance, not the proxy.
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property === 'query' || property === 'exec') {
        return (text: string, ...rest: unknown[]) =>
          observeQuery(observer, text, () => value.call(target, text, ...rest));
      }
      if (property === 'transaction') {
        return (callback: (transaction: Transaction) => Promise<unknown>) =>
          value.call(target, (transaction: Transaction) =>
            callback(observed(transaction, observer)),
          );
      }
      return value.bind(target);
    },
  });
}

/** `dataDir` undefined keeps everything in memory (tests). */
export async function openPglite(
  dataDir: string | undefined,
  /** Telemetry for the queries the app makes (not the migration runner's sessions). */
  observeQueries?: (target: DbTarget) => QueryObserver,
): Promise<Database> {
  let unlock = async () => {};
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir);
  }
  const client = await PGlite.create(dataDir).catch(async (error: unknown) => {
    await unlock();
    throw error;
  });
  // In process: no server to name (the OTel server.* attributes describe a network peer), PGlite's
  // one database `postgres`, and one connection that runs queries one at a time.
  const observer = observeQueries?.({ system: 'postgresql', namespace: 'postgres', poolMax: 1 });
  const orm = drizzle({ client: observer ? observed(client, observer) : client, schema });

  return {
    engine: 'pglite',
    orm,
    async ping(timeoutMs) {
      await withTimeout(client.query('select 1'), timeoutMs, 'database ping');
    },
    // Queries run inside this process and finish on their own; there is nothing to cancel.
    cancellable(_signal, work) {
      return work();
    },
    async session(): Promise<SqlSession> {
      return {
        async query<Row>(text: string, params: unknown[] = []) {
          return (await client.query<Row>(text, params)).rows;
        },
        async exec(text) {
          await client.exec(text);
        },
        async release() {},
      };
    },
    async close() {
      await client.close();
      await unlock();
    },
  };
}
