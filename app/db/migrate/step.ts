// What every step of a migration run gets (a file applied, a backfill batch), and the short
// transaction a step runs in, under the run's lock and statement timeouts.
import type { Logger } from '../../telemetry/logger.ts';
import type { SqlSession } from '../database.ts';
import type { RetryPolicy } from './retry.ts';
import { inTransaction } from './transaction.ts';

export interface StepOptions {
  /** Per attempt: how long DDL may queue for a lock (then 55P03, roll back, retry). */
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  retry: RetryPolicy;
  /** Recorded with the file: which release's runner applied it. */
  release: string | null;
  logger: Logger;
  /**
   * Once aborted, no retry, statement or batch starts. Cancelling the statement in flight is up
   * to whoever aborts (cancel.ts); its failure rolls its transaction back as any other.
   */
  signal?: AbortSignal;
}

/** The step's lock and statement timeouts, for one transaction (LOCAL) or the session. */
export function timeoutSettings(options: StepOptions, scope: 'LOCAL' | 'SESSION'): string {
  const set = scope === 'LOCAL' ? 'SET LOCAL' : 'SET';
  return `${set} lock_timeout = '${options.lockTimeoutMs}ms'; ${set} statement_timeout = '${options.statementTimeoutMs}ms'`;
}

/**
 * Runs `work` in a transaction under the step's timeouts (LOCAL: they end with it instead of
 * leaking into the next step), committed when it returns and rolled back when it throws.
 */
export async function inStepTransaction<T>(
  session: SqlSession,
  options: StepOptions,
  work: () => Promise<T>,
): Promise<T> {
  return inTransaction(session, async () => {
    await session.exec(timeoutSettings(options, 'LOCAL'));
    return work();
  });
}
