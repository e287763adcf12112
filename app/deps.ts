// Builds the production dependencies from the configuration: the entries call this, tests may
// too (with a configuration of their own).
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { loadDocsAssets, loadMigrationGuides } from './api/openapi/docs-assets.ts';
import type { Deps } from './app.ts';
import type { ApiServerConfig } from './config/processes.ts';
import { MIGRATIONS_DIR, readMigrationFiles } from './db/migrate/files.ts';
import { applyMigrations, missingMigrations } from './db/migrate/runner.ts';
import { openDatabase } from './db/open.ts';
import { createFlags } from './flags/flags.ts';
import { createMemoryStore } from './http/rate-limit/memory-store.ts';
import { createLifecycle } from './lifecycle/state.ts';
import type { Logger } from './telemetry/logger.ts';
import { createTelemetry } from './telemetry/telemetry.ts';
import { telemetryOptions } from './telemetry-options.ts';

/**
 * The socket's peer, as @hono/node-server reports it. Requests made in-process (`app.request`)
 * have no socket, and no peer.
 */
function nodePeerAddress(c: Context): string | undefined {
  return c.env?.incoming ? getConnInfo(c).remote.address : undefined;
}

export async function buildDeps(
  config: ApiServerConfig,
  logger: Logger,
  migrationsDir = MIGRATIONS_DIR,
): Promise<Deps> {
  // Telemetry belongs to this app instance (tests build many in one process): no globals.
  const telemetry = createTelemetry(telemetryOptions(config));
  const db = await openDatabase(config, 'myapp', telemetry.observeQueries);
  try {
    // The embedded database belongs to this process alone, so it migrates itself. A shared
    // PostgreSQL is migrated by the deployment's migration Job (`npm run migrate`), never by
    // each replica at startup.
    // Every phase, contract included: no older instance can share a database that only this
    // process can open (app/db/migrate/runner.ts).
    if (db.engine === 'pglite')
      await applyMigrations(db, logger, migrationsDir, { release: config.RELEASE });
    const required = await readMigrationFiles(migrationsDir);
    const lifecycle = createLifecycle();
    telemetry.trackLifecycle(lifecycle);
    // Last, so nothing after it can fail and leave its client running. The wait is bounded:
    // an Unleash that is down must never keep the app from starting (it serves the flags file).
    const flags = await createFlags({ config, logger, telemetry });
    if (config.UNLEASH_URL && !(await flags.waitForSync(config.UNLEASH_STARTUP_WAIT_MS)))
      logger.warn(
        { waitedMs: config.UNLEASH_STARTUP_WAIT_MS },
        'Unleash has not answered yet: serving the last known flags (the flags file) until it does',
      );
    return {
      config,
      db,
      logger,
      telemetry,
      lifecycle,
      flags,
      clock: () => new Date(),
      peerAddress: nodePeerAddress,
      // Read once, here: Swagger UI's files from the installed swagger-ui-dist.
      docsAssets: loadDocsAssets(),
      migrationGuides: loadMigrationGuides(),
      // ioredis is imported only when there is a Redis to talk to (7 MB of heap otherwise held).
      rateLimitStore: config.REDIS_URL
        ? (await import('./http/rate-limit/redis-store.ts')).createRedisStore({
            url: config.REDIS_URL,
            commandTimeoutMs: config.REDIS_TIMEOUT_MS,
          })
        : createMemoryStore(),
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

/** Releases everything buildDeps opened, after the server has stopped. */
export async function closeDeps(deps: Deps): Promise<void> {
  // Stops the flag client's polling and timers (test runners hang without it).
  await deps.flags.close();
  await deps.rateLimitStore.close();
  await deps.db.close();
  // Last: spans of the final requests and queries are still being exported.
  await deps.telemetry.shutdown();
}
