// Liveness and readiness, at the conventional /health and /ready.
// /health: the process and its event loop answer. It stays 200 while draining, or Kubernetes
//   would restart a pod that is shutting down on purpose.
// /ready: this instance should get traffic: not draining, the database answers quickly, and
//   every migration this build needs is applied. Each check says why it failed.
import { Hono } from 'hono';
import type { Database } from '../db/database.ts';
import type { Lifecycle } from '../lifecycle/state.ts';
import type { AppEnv } from './env.ts';

export interface ReadinessDeps {
  lifecycle: Lifecycle;
  db: Database;
  readyDbTimeoutMs: number;
  /** Names of the migrations this build needs that the database lacks. */
  missingMigrations: () => Promise<string[]>;
}

const NO_STORE = { 'Cache-Control': 'no-store' };

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** /health alone: the edge tier answers it itself and forwards /ready to the origin. */
export function livenessRoutes(lifecycle: Lifecycle): Hono<AppEnv> {
  const router = new Hono<AppEnv>();
  router.get('/health', (c) => c.json({ status: 'ok', lifecycle: lifecycle.state }, 200, NO_STORE));
  return router;
}

export function healthRoutes(deps: ReadinessDeps): Hono<AppEnv> {
  const router = livenessRoutes(deps.lifecycle);
  // Migrations are never un-applied under a running build, so once complete, stop asking.
  let schemaComplete = false;

  router.get('/ready', async (c) => {
    const checks: Record<string, string> = { lifecycle: deps.lifecycle.state };
    let ready = deps.lifecycle.state === 'ready';
    try {
      await deps.db.ping(deps.readyDbTimeoutMs);
      checks.database = 'ok';
    } catch (error) {
      ready = false;
      checks.database = `unavailable: ${reason(error)}`;
    }
    if (checks.database === 'ok' && !schemaComplete) {
      try {
        const missing = await deps.missingMigrations();
        schemaComplete = missing.length === 0;
        checks.schema = schemaComplete ? 'ok' : `missing migrations: ${missing.join(', ')}`;
      } catch (error) {
        checks.schema = `unknown: ${reason(error)}`;
      }
      ready &&= schemaComplete;
    } else if (schemaComplete) {
      checks.schema = 'ok';
    } else {
      checks.schema = 'unknown: database unavailable';
    }
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503, NO_STORE);
  });

  return router;
}
