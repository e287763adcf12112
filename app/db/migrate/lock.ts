// One runner at a time: a session advisory lock, polled with pg_try_advisory_lock until a
// deadline. A second runner waits, then finds nothing left to do; a stuck one makes the others
// fail visibly instead of queueing forever. Session-level, so it needs a direct connection
// (a transaction-mode pooler would hand the session to someone else).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../telemetry/logger.ts';
import type { SqlSession } from '../database.ts';
import { MigrationError } from './errors.ts';

/**
 * Key of the session advisory lock held while migrating. Arbitrary but fixed forever: runners of
 * different releases must contend for the same key. A string, because it exceeds 2^53.
 */
export const MIGRATION_LOCK_KEY = '7413825467230126177';

export interface LockOptions {
  timeoutMs: number;
  pollMs: number;
  /** Stops waiting once aborted. */
  signal?: AbortSignal;
}

export async function acquireLock(
  session: SqlSession,
  logger: Logger,
  { timeoutMs, pollMs, signal }: LockOptions,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let waiting = false;
  for (;;) {
    signal?.throwIfAborted();
    const [row] = await session.query<{ locked: boolean }>(
      'select pg_try_advisory_lock($1::bigint) as locked',
      [MIGRATION_LOCK_KEY],
    );
    if (row?.locked) {
      if (waiting) logger.info('migration lock acquired');
      return;
    }
    if (Date.now() >= deadline) {
      throw new MigrationError(
        `Timed out after ${timeoutMs} ms waiting for the migration lock (advisory lock ${MIGRATION_LOCK_KEY}), ` +
          `held by ${await describeLockHolder(session)}: another migration runner is still running or stuck.`,
      );
    }
    if (!waiting) {
      waiting = true;
      logger.info({ lockTimeoutMs: timeoutMs }, 'another migration runner holds the lock; waiting');
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), undefined, { signal });
  }
}

/** Best effort, for the error message: which session holds the lock, so an operator can find it. */
async function describeLockHolder(session: SqlSession): Promise<string> {
  try {
    // Advisory locks are per database. A bigint key is stored split: high 32 bits in classid,
    // low 32 bits in objid.
    const [row] = await session.query<{ pid: number; application_name: string | null }>(
      `select l.pid, a.application_name
         from pg_locks l left join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.objsubid = 1
          and l.database = (select oid from pg_database where datname = current_database())
          and l.classid = ($1::bigint >> 32)::oid and l.objid = ($1::bigint & 4294967295)::oid
        limit 1`,
      [MIGRATION_LOCK_KEY],
    );
    if (!row) return 'a session that has since let go';
    return `backend pid ${row.pid}${row.application_name ? ` (application_name ${row.application_name})` : ''}`;
  } catch {
    return 'another session';
  }
}

export async function releaseLock(session: SqlSession, logger: Logger): Promise<void> {
  try {
    await session.query('select pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
  } catch (error) {
    // Only a broken connection gets here, and the server drops its locks along with it.
    // Throwing would hide the error that broke it.
    logger.warn({ err: error }, 'could not release the migration lock');
  }
}
