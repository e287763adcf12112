// Cancelling, on the server, the statement the runner's session is running when the CLI is told
// to stop. Abandoning the query is not enough: the server goes on with it (DDL queued for a lock,
// a backfill batch), keeping its locks and the runner's advisory lock, and closing the socket
// does not stop it either: a backend waiting for a lock only notices a closed connection when it
// next talks to the client. The session hides its postgres.js queries (and their `.cancel()`),
// so this asks the server directly, from a second connection: pg_cancel_backend(pid) signals
// the backend exactly as postgres.js's cancel request does. The statement fails with 57014, the
// code that opened its transaction rolls it back, and the runner releases its lock as after any
// failure, on the same session.
import type { Logger } from '../../telemetry/logger.ts';
import type { Database, SqlSession } from '../database.ts';

/**
 * From now on, `signal` aborting cancels whatever statement `session` is running. Returns a
 * function to call before the session goes away: it stops listening and waits for a cancel
 * under way. On PGlite it does nothing: statements run inside this process to their end, and
 * the runner stops at the next one.
 */
export async function cancelOnAbort(
  db: Database,
  session: SqlSession,
  signal: AbortSignal,
  logger: Logger,
): Promise<() => Promise<void>> {
  if (db.engine !== 'postgres') return async () => {};
  const [row] = await session.query<{ pid: number }>('select pg_backend_pid() as pid');
  const pid = row?.pid;
  let cancelling: Promise<void> | undefined;
  const onAbort = () => {
    cancelling = cancelBackend(db, pid, logger);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return async () => {
    signal.removeEventListener('abort', onAbort);
    await cancelling;
  };
}

async function cancelBackend(db: Database, pid: number | undefined, logger: Logger) {
  try {
    const other = await db.session();
    try {
      await other.query('select pg_cancel_backend($1)', [pid]);
    } finally {
      await other.release();
    }
  } catch (error) {
    // The stop goes on regardless: the statement still ends at its statement_timeout.
    logger.warn({ err: error, pid }, 'could not cancel the running migration statement');
  }
}
