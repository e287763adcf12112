// The embedded default: PostgreSQL compiled to WebAssembly, in this process, persisted in a
// folder. It has a single connection: the migration runner uses it before the server starts.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { lockDataDir } from './data-dir-lock.ts';
import type { Database, SqlSession } from './database.ts';
import { withTimeout } from './database.ts';
import * as schema from './schema.ts';

/** `dataDir` undefined keeps everything in memory (tests). */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  let unlock = async () => {};
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir);
  }
  const client = await PGlite.create(dataDir).catch(async (error: unknown) => {
    await unlock();
    throw error;
  });
  const orm = drizzle({ client, schema });

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
