// Retrying DDL that gave up on a lock. A statement that waits for a table lock blocks every
// query queued behind it, so each attempt waits at most `lock_timeout` (55P03 when it runs out),
// rolls back, and tries again after a pause that grows and is jittered, so traffic drains
// between attempts and concurrent runners or batches do not retry in lockstep.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../telemetry/logger.ts';
import { isLockNotAvailable } from './errors.ts';

export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** The pause before the first retry, before jitter; doubled each time up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** "Equal jitter": half of the exponential step for sure, half at random. Never zero. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * Runs `attempt` until it succeeds, fails with something other than 55P03, or the retries are
 * used up. `attempt` must leave nothing behind when it fails (roll back its transaction). Once
 * `signal` aborts, no further attempt starts: the pause before it rejects at once.
 */
export async function retryOnLockTimeout<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  logger: Logger,
  context: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isLockNotAvailable(error) || retry >= policy.retries) throw error;
      const delayMs = backoffDelay(policy, retry);
      logger.warn(
        { ...context, attempt: retry + 1, retries: policy.retries, retryInMs: delayMs },
        'lock not available within lock_timeout; rolled back, retrying',
      );
      await sleep(delayMs, undefined, { signal });
    }
  }
}
