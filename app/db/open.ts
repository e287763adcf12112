import { join } from 'node:path';
import type { DatabaseConfig } from '../config/database.ts';
import type { DbTarget, QueryObserver } from '../telemetry/db.ts';
import type { Database } from './database.ts';

/**
 * PostgreSQL when `DATABASE_URL` is set, otherwise the embedded PGlite under `DATA_DIR`. Each
 * client is imported when chosen: a process holds only the one it uses.
 */
export async function openDatabase(
  config: DatabaseConfig,
  applicationName: string,
  observeQueries?: (target: DbTarget) => QueryObserver,
): Promise<Database> {
  if (config.DATABASE_URL) {
    const { openPostgres } = await import('./postgres.ts');
    return openPostgres({
      url: config.DATABASE_URL,
      poolMax: config.DB_POOL_MAX,
      connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
      applicationName,
      observeQueries,
    });
  }
  const { openPglite } = await import('./pglite.ts');
  return openPglite(join(config.DATA_DIR, 'pglite'), observeQueries);
}
