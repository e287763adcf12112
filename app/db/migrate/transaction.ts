// The one way the migration runner writes a transaction on its session: the bookkeeping, each
// step and a backfill's completion all commit or roll back together.
import type { SqlSession } from '../database.ts';

/** Runs `work` in a transaction: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(session: SqlSession, work: () => Promise<T>): Promise<T> {
  await session.exec('BEGIN');
  try {
    const result = await work();
    await session.exec('COMMIT');
    return result;
  } catch (error) {
    // If even ROLLBACK fails the connection is gone, and the server rolls back on its own.
    await session.exec('ROLLBACK').catch(() => {});
    throw error;
  }
}
