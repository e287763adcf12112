// Runs a write again when it lost a deadlock or a serialization check (SQLSTATE 40P01, 40001):
// PostgreSQL aborted it so that another could go on, and the same work run again usually
// succeeds or fails for a real reason (two users swapping emails: both get the unique
// violation a serial order gives). Bounded, with full jitter so the losers do not collide
// again in step; past the last attempt the error goes up (the API answers 503 + Retry-After).
import { databaseErrorCode, databaseFailure } from './errors.ts';

export interface ContentionRetryOptions {
  /** Runs of the work in all, the first included. */
  attempts: number;
  /** The wait before retry n is random in [0, baseDelayMs × 2^(n-1)). */
  baseDelayMs: number;
  /** Each lost run: retried, or the last one (given up). */
  onContention?: (code: string, outcome: 'retried' | 'gave_up') => void;
  random?: () => number;
}

export type RetryWrites = <T>(work: () => Promise<T>) => Promise<T>;

export function retryOnContention(options: ContentionRetryOptions): RetryWrites {
  const random = options.random ?? Math.random;
  return async (work) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (databaseFailure(error) !== 'contention') throw error;
        const code = databaseErrorCode(error) ?? 'unknown';
        const last = attempt >= options.attempts;
        options.onContention?.(code, last ? 'gave_up' : 'retried');
        if (last) throw error;
        const delay = random() * options.baseDelayMs * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
}
