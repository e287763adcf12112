// The timeouts and limits of a migration run, with their defaults. The CLI fills them from the
// configuration (MIGRATION_*, BACKFILL_*, CONTRACT_GATE_WINDOW_MS); tests pass their own.
import type { RetryPolicy } from './retry.ts';

/** The timeouts and limits of a run; every one has a default (see `DEFAULTS`). */
export interface RunnerSettings {
  /** How long to wait for another runner's advisory lock before failing. */
  lockTimeoutMs: number;
  /** Pause between attempts to take the advisory lock. */
  lockPollMs: number;
  /**
   * `lock_timeout` of each file (each statement of a no-transaction file, each backfill batch).
   * A DDL statement queued behind a long query blocks every query queued behind it, so it gives
   * up quickly, rolls back and retries instead.
   */
  ddlLockTimeoutMs: number;
  /** `statement_timeout` of each file, statement or batch. */
  statementTimeoutMs: number;
  /** Retries after lock_timeout ran out (55P03), with jittered exponential backoff. */
  lockRetries: number;
  /** The first backoff step; doubles per retry up to 30 times this, jittered. */
  retryBaseDelayMs: number;
  /** The contract gate counts an instance alive while its last heartbeat is younger than this. */
  gateWindowMs: number;
  backfillBatchSize: number;
  backfillPauseMs: number;
}

export const DEFAULTS: RunnerSettings = {
  lockTimeoutMs: 60_000,
  lockPollMs: 250,
  ddlLockTimeoutMs: 2_000,
  statementTimeoutMs: 30_000,
  lockRetries: 8,
  retryBaseDelayMs: 250,
  gateWindowMs: 60_000,
  backfillBatchSize: 1_000,
  backfillPauseMs: 25,
};

export function settingsOf(options: Partial<RunnerSettings>): RunnerSettings {
  const settings = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof RunnerSettings)[]) {
    const value = options[key];
    if (value === undefined) continue;
    // The values end up inside SQL text (SET takes no parameters), so only plain integers pass.
    if (!Number.isSafeInteger(value) || value < 0)
      throw new TypeError(`${key} must be a whole number >= 0, got ${value}`);
    settings[key] = value;
  }
  return settings;
}

export function retryPolicy(settings: RunnerSettings): RetryPolicy {
  return {
    retries: settings.lockRetries,
    baseDelayMs: settings.retryBaseDelayMs,
    maxDelayMs: settings.retryBaseDelayMs * 30,
  };
}
