// Runs a backfill file: its one UPDATE, over the key range `$1 < key <= $2` of one batch at a
// time, each batch a short transaction of its own (row locks are held for milliseconds, not for
// the whole table), with a pause between batches so replication, vacuum and the app's own
// writes keep up. The checkpoint moves with each batch, so a killed run resumes after the last
// committed batch; when the last batch is done, the completion marker is set and the file is
// recorded as applied, in one transaction. The UPDATE must be idempotent (`where new is null`):
// rows written meanwhile by the app are already right and the batch leaves them alone.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SqlSession } from '../../database.ts';
import { recordApplied } from '../bookkeeping.ts';
import { describeDatabaseError, MigrationError } from '../errors.ts';
import type { MigrationFile } from '../files.ts';
import { retryOnLockTimeout } from '../retry.ts';
import { parseStatements } from '../statements.ts';
import { inStepTransaction, type StepOptions } from '../step.ts';
import { inTransaction } from '../transaction.ts';
import { advanceCheckpoint, markComplete, openCheckpoint } from './checkpoint.ts';

/**
 * `signal`: once aborted, no further batch starts and the pause ends; the batch in flight, once
 * cancelled, rolls back with its checkpoint, so a new run redoes it.
 */
export interface BackfillOptions extends StepOptions {
  /** Rows per batch when the file's header names none. */
  batchSize: number;
  /** Pause between batches. */
  pauseMs: number;
  /** How often to log progress. Default 5 s. */
  progressEveryMs?: number;
  /** Called after every batch, e.g. to export progress as metrics. */
  onProgress?: (progress: BackfillProgress) => void;
}

interface BackfillProgress {
  backfill: string;
  batches: number;
  /** Rows changed by this run. */
  rows: number;
  /** Rows changed by every run of this backfill, this one included. */
  rowsTotal: number;
  lastKey: string;
  /** Share of the key range done, 0 to 1 (keys are not evenly spread, so an estimate). */
  fraction: number;
  rowsPerSecond: number;
}

export interface BackfillResult {
  rows: number;
  batches: number;
  /** The checkpoint this run started after, when it resumed an earlier one. */
  resumedAfter: string | null;
  durationMs: number;
}

const quote = (identifier: string) =>
  identifier
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');

/** The file's single UPDATE statement, or a MigrationError saying what the file holds instead. */
async function batchStatement(file: MigrationFile): Promise<string> {
  const statements = await parseStatements(file.sql);
  const [only] = statements;
  if (statements.length !== 1 || !only || !('UpdateStmt' in only.node)) {
    throw new MigrationError(
      `Backfill ${file.name} must hold exactly one UPDATE over the key range $1 < key <= $2; it holds ${statements.length} statement(s).`,
      file.name,
    );
  }
  return only.text;
}

export async function runBackfill(
  session: SqlSession,
  file: MigrationFile,
  options: BackfillOptions,
): Promise<BackfillResult> {
  const target = file.header.backfill;
  if (!target) throw new MigrationError(`${file.name} is not a backfill file`, file.name);
  const { logger } = options;
  const table = quote(target.table);
  const key = quote(target.key);
  const batchSize = target.batchSize ?? options.batchSize;
  const update = await batchStatement(file);
  const started = performance.now();
  const startedAt = new Date();
  const checkpoint = await openCheckpoint(session, file.name);

  const [range] = await session.query<{ min: string | null; max: string | null }>(
    `select min(${key})::text as min, max(${key})::text as max from ${table}`,
  );
  // Below every key: the first batch starts here (a separate first-batch query with
  // "is null or" would defeat the index once the statement is planned generically).
  const floor =
    range?.min === null || range?.min === undefined ? null : String(BigInt(range.min) - 1n);
  let lastKey = checkpoint.lastKey ?? floor;
  if (checkpoint.lastKey !== null) {
    logger.info(
      {
        backfill: file.name,
        resumeAfterKey: checkpoint.lastKey,
        rowsDoneBefore: checkpoint.rowsDone,
      },
      'resuming backfill after its checkpoint',
    );
  } else {
    logger.info({ backfill: file.name, table: target.table, batchSize }, 'backfill started');
  }

  let rows = 0;
  let batches = 0;
  let lastReport = performance.now();
  const every = options.progressEveryMs ?? 5_000;
  const span = range?.max && floor !== null ? Number(BigInt(range.max) - BigInt(floor)) : 0;

  while (lastKey !== null) {
    options.signal?.throwIfAborted();
    const [next] = await session.query<{ upper: string | null }>(
      `select max(k)::text as upper from (
         select ${key} as k from ${table} where ${key} > $1::bigint order by ${key} limit $2
       ) batch`,
      [lastKey, batchSize],
    );
    const upper = next?.upper ?? null;
    if (upper === null) break;
    const from = lastKey;
    const changed = await retryOnLockTimeout(
      () =>
        inStepTransaction(session, options, async () => {
          const [result] = await session.query<{ n: number }>(
            `with changed as (${update} returning 1) select count(*)::int as n from changed`,
            [from, upper],
          );
          const n = Number(result?.n ?? 0);
          await advanceCheckpoint(session, file.name, upper, n);
          return n;
        }),
      options.retry,
      logger,
      { backfill: file.name, fromKey: from, toKey: upper },
      options.signal,
    ).catch((error: unknown) => {
      throw new MigrationError(
        `Backfill ${file.name} failed in the batch after key ${from} (rolled back; earlier batches stay done and a new run resumes there): ${describeDatabaseError(error)}`,
        file.name,
        { cause: error },
      );
    });
    rows += changed;
    batches++;
    lastKey = upper;
    const seconds = (performance.now() - started) / 1000;
    const progress: BackfillProgress = {
      backfill: file.name,
      batches,
      rows,
      rowsTotal: checkpoint.rowsDone + rows,
      lastKey: upper,
      fraction:
        span > 0 && floor !== null ? Math.min(1, Number(BigInt(upper) - BigInt(floor)) / span) : 1,
      rowsPerSecond: seconds > 0 ? Math.round(rows / seconds) : 0,
    };
    options.onProgress?.(progress);
    if (performance.now() - lastReport >= every) {
      lastReport = performance.now();
      logger.info(progress, 'backfill progress');
    }
    if (options.pauseMs > 0) await sleep(options.pauseMs, undefined, { signal: options.signal });
  }

  const durationMs = Math.round(performance.now() - started);
  await inTransaction(session, async () => {
    await markComplete(session, file.name);
    await recordApplied(session, { file, startedAt, durationMs, release: options.release });
  });
  logger.info(
    { backfill: file.name, rows, rowsTotal: checkpoint.rowsDone + rows, batches, durationMs },
    'backfill complete',
  );
  return { rows, batches, resumedAfter: checkpoint.lastKey, durationMs };
}
