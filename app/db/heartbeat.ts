// Each app instance records its release and a heartbeat in the database: the evidence the
// contract gate reads (app/db/migrate/gate/). A graceful shutdown says so (`stopped_at`), so a
// finished rollout opens the gate at once instead of after the silence window; an instance
// that was killed stays "alive" until its heartbeats have been missing for the window.
// Failures are logged, never thrown: the heartbeat must not take the app down, and before the
// first migration run the table does not exist yet. Off the request path entirely.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import type { Logger } from '../telemetry/logger.ts';
import type { Database } from './database.ts';
import { INSTANCES_TABLE } from './migrate/bookkeeping.ts';

export interface HeartbeatOptions {
  db: Database;
  release: string;
  intervalMs: number;
  logger: Logger;
}

export interface Heartbeat {
  readonly instanceId: string;
  /** Stops beating and records that this instance stopped. Call before closing the database. */
  stop(): Promise<void>;
}

const table = sql.raw(INSTANCES_TABLE);

export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const { db, release, logger } = options;
  const host = hostname();
  // Unique per process: a restarted container on the same pod name is a new instance.
  const instanceId = `${host}/${process.pid}/${randomUUID().slice(0, 8)}`;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;
  let failing = false;

  async function beat(): Promise<void> {
    try {
      await db.orm.execute(sql`
        insert into ${table} (instance_id, release, hostname, pid)
        values (${instanceId}, ${release}, ${host}, ${process.pid})
        on conflict (instance_id) do update set last_seen_at = now(), release = excluded.release`);
      if (failing) logger.info({ instanceId }, 'heartbeat recorded again');
      failing = false;
    } catch (error) {
      // Once per outage, not once per beat.
      if (!failing) logger.warn({ err: error, instanceId }, 'could not record the heartbeat');
      failing = true;
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = beat().finally(schedule);
    }, options.intervalMs);
    // The heartbeat never keeps the process alive on its own.
    timer.unref();
  }

  inFlight = beat().finally(schedule);
  logger.info(
    { instanceId, release, heartbeatIntervalMs: options.intervalMs },
    'heartbeat started',
  );

  return {
    instanceId,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      try {
        await db.orm.execute(sql`
          update ${table} set stopped_at = now(), last_seen_at = now()
           where instance_id = ${instanceId}`);
      } catch (error) {
        logger.warn({ err: error, instanceId }, 'could not record that this instance stopped');
      }
    },
  };
}
