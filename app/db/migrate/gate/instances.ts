// The evidence the contract gate reads: which app instances sent a heartbeat recently, and of
// which release. Ages are computed by the database's clock, the same one that stamped the
// heartbeats, so clock skew between pods and the migration Job does not matter.
import type { SqlSession } from '../../database.ts';
import { INSTANCES_TABLE } from '../bookkeeping.ts';

export interface SeenInstance {
  instanceId: string;
  release: string;
  hostname: string;
  pid: number;
  /** Milliseconds since its last heartbeat. */
  ageMs: number;
  /** It said it stopped (graceful shutdown): it serves no more requests. */
  stopped: boolean;
}

/** How long a stopped or silent instance's row is kept, for `status`. */
const KEEP_DAYS = 7;

async function instancesTableExists(session: SqlSession): Promise<boolean> {
  const [row] = await session.query<{ exists: boolean }>(
    'select to_regclass($1) is not null as exists',
    [INSTANCES_TABLE],
  );
  return row?.exists === true;
}

/** Instances whose last heartbeat is younger than `windowMs`, stopped ones included. */
export async function recentInstances(
  session: SqlSession,
  windowMs: number,
): Promise<SeenInstance[]> {
  if (!(await instancesTableExists(session))) return [];
  const rows = await session.query<{
    instance_id: string;
    release: string;
    hostname: string;
    pid: number;
    age_ms: string | number;
    stopped: boolean;
  }>(
    `select instance_id, release, hostname, pid, stopped_at is not null as stopped,
            greatest(0, round(extract(epoch from (now() - last_seen_at)) * 1000))::bigint as age_ms
       from ${INSTANCES_TABLE}
      where last_seen_at > now() - make_interval(secs => $1::double precision / 1000)
      order by last_seen_at desc`,
    [windowMs],
  );
  return rows.map((row) => ({
    instanceId: row.instance_id,
    release: row.release,
    hostname: row.hostname,
    pid: Number(row.pid),
    ageMs: Number(row.age_ms),
    stopped: row.stopped,
  }));
}

/** Forgets instances silent for a week; the runner calls it while it holds its lock. */
export async function pruneInstances(session: SqlSession): Promise<void> {
  if (!(await instancesTableExists(session))) return;
  await session.query(
    `delete from ${INSTANCES_TABLE} where last_seen_at < now() - make_interval(days => $1)`,
    [KEEP_DAYS],
  );
}
