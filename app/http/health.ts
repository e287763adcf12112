// Liveness and readiness, at the conventional /health and /ready.
// /health: the process and its event loop answer. It stays 200 while draining, or Kubernetes
//   would restart a pod that is shutting down on purpose.
// /ready: this instance should get traffic: not draining, the database answers quickly, and
//   every migration this build needs is applied. The answer says which check failed and no
//   more: it is on the public port, and hosts, error texts and migration names are the
//   operator's business. The detail goes to the log, once each time it changes.
import { Hono } from 'hono';
import type { Lifecycle } from '../lifecycle/state.ts';
import type { Logger } from '../telemetry/logger.ts';

export interface ReadinessDeps {
  lifecycle: Lifecycle;
  /** The database, as far as readiness asks it (app/db/database.ts). */
  db: { ping(timeoutMs: number): Promise<void> };
  logger: Logger;
  readyDbTimeoutMs: number;
  /** Names of the migrations this build needs that the database lacks. */
  missingMigrations: () => Promise<string[]>;
}

const NO_STORE = { 'Cache-Control': 'no-store' };

/** Logs a failed check's detail when it differs from the last one logged (probes repeat). */
function detailLog(logger: Logger) {
  let last = '';
  return {
    failed(check: string, fields: Record<string, unknown>, key: string) {
      if (key === last) return;
      last = key;
      logger.warn({ check, ...fields }, `readiness check failed: ${check}`);
    },
    passed() {
      last = '';
    },
  };
}

/** /health alone: the edge tier answers it itself and forwards /ready to the origin. */
export function livenessRoutes(lifecycle: Lifecycle): Hono {
  const router = new Hono();
  router.get('/health', (c) => c.json({ status: 'ok', lifecycle: lifecycle.state }, 200, NO_STORE));
  return router;
}

export function healthRoutes(deps: ReadinessDeps): Hono {
  const router = livenessRoutes(deps.lifecycle);
  // Migrations are never un-applied under a running build, so once complete, stop asking.
  let schemaComplete = false;
  const detail = detailLog(deps.logger);

  router.get('/ready', async (c) => {
    const checks: Record<string, string> = { lifecycle: deps.lifecycle.state };
    let ready = deps.lifecycle.state === 'ready';
    let failed = false;
    try {
      await deps.db.ping(deps.readyDbTimeoutMs);
      checks.database = 'ok';
    } catch (error) {
      ready = false;
      failed = true;
      checks.database = 'unavailable';
      detail.failed('database', { err: error }, `database:${String(error)}`);
    }
    if (checks.database === 'ok' && !schemaComplete) {
      try {
        const missing = await deps.missingMigrations();
        schemaComplete = missing.length === 0;
        checks.schema = schemaComplete ? 'ok' : 'incomplete';
        if (!schemaComplete) {
          failed = true;
          detail.failed('schema', { missingMigrations: missing }, `schema:${missing.join()}`);
        }
      } catch (error) {
        failed = true;
        checks.schema = 'unknown';
        detail.failed('schema', { err: error }, `schema:${String(error)}`);
      }
      ready &&= schemaComplete;
    } else if (schemaComplete) {
      checks.schema = 'ok';
    } else {
      checks.schema = 'unknown';
    }
    if (!failed) detail.passed();
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503, NO_STORE);
  });

  return router;
}
