// Starts the real app in this process on a real socket: the same config loading, dependency
// building and createApp as app/main.ts, with the database a test chooses.
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp, type Deps } from '../../app/app.ts';
import { apiServerConfig } from '../../app/config/processes.ts';
import { applyMigrations } from '../../app/db/migrate/runner.ts';
import { buildDeps, closeDeps } from '../../app/deps.ts';
import { createLogger } from '../../app/telemetry/logger.ts';
import { createTestDatabase } from './database.ts';

export interface TestApp {
  url: string;
  deps: Deps;
  close(): Promise<void>;
}

export type Engine = 'postgres' | 'pglite';

/** `databaseUrl` undefined: the embedded PGlite default, in a fresh temporary folder. */
/**
 * `env` overrides the configuration; `overrides` replaces built dependencies (a test clock).
 * Rate limits are off unless a test sets RATE_LIMITS: suites send far more than a client would.
 */
export async function startTestApp(
  databaseUrl: string | undefined,
  env: Record<string, string> = {},
  overrides: Partial<Pick<Deps, 'clock'>> = {},
): Promise<TestApp> {
  const dataDir = databaseUrl ? undefined : await mkdtemp(join(tmpdir(), 'myapp-pglite-'));
  const config = apiServerConfig.load({
    LOG_LEVEL: 'silent',
    RATE_LIMITS: 'v1=0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }),
    ...env,
  });
  const logger = createLogger({ level: config.LOG_LEVEL });
  const deps = { ...(await buildDeps(config, logger)), ...overrides };
  if (deps.db.engine === 'postgres') await applyMigrations(deps.db, logger);
  const server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await once(server, 'listening');
  deps.lifecycle.advance('ready');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await closeDeps(deps);
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The app on `engine`: on PostgreSQL with a database of its own, dropped when the app closes. */
export async function startTestAppOn(
  engine: Engine,
  env: Record<string, string> = {},
): Promise<TestApp> {
  if (engine === 'pglite') return startTestApp(undefined, env);
  const database = await createTestDatabase();
  const app = await startTestApp(database.url, env);
  return {
    ...app,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
