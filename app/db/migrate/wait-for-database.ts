// The migration Job may start before its database accepts connections: the in-chart PostgreSQL
// is created beside the Job on a first install, a managed database may be failing over. A
// refused or unreachable connection is retried with a growing, jittered pause, each attempt
// logged, until a deadline; anything else (a wrong password, a missing database) fails at once,
// because waiting cannot fix it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../telemetry/logger.ts';
import { backoffDelay } from './retry.ts';

export interface WaitPolicy {
  /** How long to keep trying, from the first attempt. */
  waitMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Errors of a database that is not there yet (socket level) or still starting (57P03). */
const NOT_YET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'CONNECT_TIMEOUT',
  // postgres.js: the server closed the socket before the session began (a restart after initdb).
  'CONNECTION_CLOSED',
  '57P03',
]);

export function isDatabaseNotReachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NOT_YET.has(code);
}

/**
 * Runs `connect` until it succeeds, fails with something other than "not reachable yet", or the
 * policy's time is up (then the last error is thrown). `signal` stops the waiting at once.
 */
export async function waitForDatabase<T>(
  connect: () => Promise<T>,
  policy: WaitPolicy,
  logger: Logger,
  signal?: AbortSignal,
  now: () => number = Date.now,
): Promise<T> {
  const deadline = now() + policy.waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await connect();
    } catch (error) {
      const delayMs = backoffDelay({ retries: 0, ...policy }, attempt);
      if (!isDatabaseNotReachable(error) || now() + delayMs > deadline) throw error;
      logger.warn(
        {
          event: 'migrate.database_unreachable',
          attempt: attempt + 1,
          code: (error as { code: string }).code,
          retryInMs: delayMs,
          giveUpInMs: deadline - now(),
        },
        'database not reachable yet; retrying',
      );
      await sleep(delayMs, undefined, { signal });
    }
  }
}
