import { join } from 'node:path';
import type { DatabaseConfig } from '../config/database.ts';
import type { DbTarget, QueryObserver } from '../telemetry/db.ts';
import type { Database } from './database.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

/** PostgreSQL when `DATABASE_URL` is set, otherwise the embedded PGlite under `DATA_DIR`. */
export async function openDatabase(
  config: DatabaseConfig,
  applicationName: string,
  observeQueries?: (target: DbTarget) => QueryObserver,
): Promise<Database> {
  if (config.DATABASE_URL) {
    return openPostgres({
      url: config.DATABASE_URL,
      poolMax: config.DB_POOL_MAX,
      connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
      applicationName,
      observeQueries,
    });
  }
  return openPglite(join(config.DATA_DIR, 'pglite'), observeQueries);
}
