// Builds the production dependencies from the configuration: the entries call this, tests may
// too (with a configuration of their own).
import type { Deps } from './app.ts';
import type { Config } from './config.ts';
import { MIGRATIONS_DIR, readMigrationFiles } from './db/migrate/files.ts';
import { applyMigrations, missingMigrations } from './db/migrate/runner.ts';
import { openDatabase } from './db/open.ts';
import { createLifecycle } from './lifecycle/state.ts';
import type { Logger } from './telemetry/logger.ts';

export async function buildDeps(
  config: Config,
  logger: Logger,
  migrationsDir = MIGRATIONS_DIR,
): Promise<Deps> {
  const db = await openDatabase(config, 'myapp');
  try {
    // The embedded database belongs to this process alone, so it migrates itself. A shared
    // PostgreSQL is migrated by the deployment's migration Job (`npm run migrate`), never by
    // each replica at startup.
    if (db.engine === 'pglite') await applyMigrations(db, logger, migrationsDir);
    const required = await readMigrationFiles(migrationsDir);
    return {
      config,
      db,
      logger,
      lifecycle: createLifecycle(),
      clock: () => new Date(),
      async missingMigrations() {
        const session = await db.session();
        try {
          return await missingMigrations(session, required);
        } finally {
          await session.release();
        }
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
