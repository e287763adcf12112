// The project's migration runner. drizzle's own `migrate()` runs every pending file in one
// transaction, skips files older than the newest applied one (drizzle-orm#5769), lets runners
// race (drizzle-orm#874) and knows no phases. Here: one connection, one runner at a time
// (lock.ts), a bookkeeping table keyed by file name whose recorded hash must never change
// (bookkeeping.ts), one transaction per file with short lock and statement timeouts and retries
// when a lock is not available (apply.ts), batched backfills (backfill/), and contract files
// only behind the gate (gate/). Which file may run when is plan.ts; what status and plan report
// is status.ts.
import type { Logger } from '../../telemetry/logger.ts';
import type { Database, SqlSession } from '../database.ts';
import { applyFile } from './apply.ts';
import { runBackfill } from './backfill/run.ts';
import {
  bookkeepingExists,
  ensureBookkeeping,
  isChanged,
  MIGRATIONS_TABLE,
  type RecordedMigration,
  readRecorded,
} from './bookkeeping.ts';
import { MigrationError, MigrationInterrupted } from './errors.ts';
import { MIGRATIONS_DIR, type MigrationFile, readMigrationFiles } from './files.ts';
import { contractBlockers } from './gate/contract.ts';
import { pruneInstances } from './gate/instances.ts';
import type { Phase } from './header.ts';
import { acquireLock, releaseLock } from './lock.ts';
import { type Command, orderingBlocker, PHASES_OF } from './plan.ts';
import { type RunnerSettings, retryPolicy, settingsOf } from './settings.ts';

export { MigrationError } from './errors.ts';
export { MIGRATION_LOCK_KEY } from './lock.ts';
export type { Command } from './plan.ts';

export interface MigrateOptions extends Partial<RunnerSettings> {
  /** A dedicated connection: the advisory lock and transactions live in its session. */
  session: SqlSession;
  files: readonly MigrationFile[];
  logger: Logger;
  /** Which phases to run; `all` interleaves them in name order (embedded database, tests). */
  command?: Command;
  /** Only this file (backfill by name). */
  only?: string;
  /** The runner's release, recorded with each file it applies. */
  release?: string;
  /**
   * False skips the heartbeat evidence of the contract gate (order and backfills still count):
   * for a database that belongs to one process, such as the embedded PGlite.
   */
  enforceGate?: boolean;
  /**
   * Stops the run: no further file, statement, batch or retry starts, and it throws
   * MigrationInterrupted. Whoever aborts cancels the statement in flight (cancel.ts).
   */
  signal?: AbortSignal;
}

export interface HeldFile {
  name: string;
  phase: Phase;
  reasons: string[];
}

export interface MigrateResult {
  /** Names of the files this run applied (backfills completed), in the order it did. */
  applied: string[];
  /** Pending files of the command's phases that may not run yet, and why. */
  held: HeldFile[];
}

function changedError(
  changed: readonly MigrationFile[],
  recorded: ReadonlyMap<string, RecordedMigration>,
): MigrationError {
  const lines = changed.map(
    (file) =>
      `  - ${file.name}: applied with sha256 ${recorded.get(file.name)?.hash}, file now ${file.hash}`,
  );
  return new MigrationError(
    `Applied migration${changed.length > 1 ? 's were' : ' was'} edited afterwards; nothing was applied.\n` +
      `${lines.join('\n')}\nRestore the applied content and put the change in a new migration file.`,
    changed[0]?.name,
  );
}

function findOnly(files: readonly MigrationFile[], only: string): MigrationFile {
  const file = files.find(
    (candidate) => candidate.name === only || candidate.name === `${only}.sql`,
  );
  if (!file) throw new MigrationError(`No migration file is named ${only}.`, only);
  return file;
}

/**
 * Applies the pending files of `command`'s phases that may run now, in name order: expand
 * files, backfills, and contract files whose gate is open. The rest is returned as held.
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const { session, files, logger } = options;
  const command = options.command ?? 'expand';
  const settings = settingsOf(options);
  const onlyFile = options.only === undefined ? undefined : findOnly(files, options.only);
  if (onlyFile && !PHASES_OF[command].includes(onlyFile.header.phase)) {
    throw new MigrationError(
      `${onlyFile.name} is a ${onlyFile.header.phase} file; ${command} does not run it.`,
      onlyFile.name,
    );
  }
  const only = onlyFile?.name;
  const { signal } = options;
  await acquireLock(session, logger, {
    timeoutMs: settings.lockTimeoutMs,
    pollMs: settings.lockPollMs,
    signal,
  });
  try {
    await ensureBookkeeping(session, settings.ddlLockTimeoutMs);
    await pruneInstances(session);
    const recorded = await readRecorded(session);
    // Checked before anything runs: an edited applied file means the database and the code
    // disagree about the schema, and applying more on top would only widen the gap.
    const changed = files.filter((file) => isChanged(file, recorded));
    if (changed.length > 0) throw changedError(changed, recorded);

    // Every unrecorded file, even one named before an applied one (merged later): skipping it
    // silently is how drizzle's migrate() loses migrations.
    const pending = new Set(files.filter((file) => !recorded.has(file.name)).map((f) => f.name));
    const phases = PHASES_OF[command];
    const common = {
      lockTimeoutMs: settings.ddlLockTimeoutMs,
      statementTimeoutMs: settings.statementTimeoutMs,
      retry: retryPolicy(settings),
      release: options.release ?? null,
      logger,
      signal,
    };
    const applied: string[] = [];
    const held: HeldFile[] = [];
    for (const file of files) {
      if (!pending.has(file.name) || !phases.includes(file.header.phase)) continue;
      if (only !== undefined && file.name !== only) continue;
      if (signal?.aborted) throw new MigrationInterrupted(undefined, applied);
      try {
        const reasons = await blockers(session, file, files, pending, settings, options);
        if (reasons.length > 0) {
          held.push({ name: file.name, phase: file.header.phase, reasons });
          logger.warn(
            { migration: file.name, reasons },
            `held back: ${file.header.phase} file may not run yet`,
          );
          continue;
        }
        if (file.header.phase === 'backfill') {
          await runBackfill(session, file, {
            ...common,
            batchSize: settings.backfillBatchSize,
            pauseMs: settings.backfillPauseMs,
          });
        } else {
          const durationMs = await applyFile(session, file, common);
          logger.info(
            { migration: file.name, phase: file.header.phase, durationMs },
            'migration applied',
          );
        }
      } catch (error) {
        // Whatever failed after the signal failed because of it (a cancelled statement, an
        // aborted pause): report the interruption, with the failure as its cause.
        if (signal?.aborted) throw new MigrationInterrupted(file.name, applied, { cause: error });
        throw error;
      }
      pending.delete(file.name);
      applied.push(file.name);
    }
    return { applied, held };
  } finally {
    await releaseLock(session, logger);
  }
}

async function blockers(
  session: SqlSession,
  file: MigrationFile,
  files: readonly MigrationFile[],
  pending: ReadonlySet<string>,
  settings: RunnerSettings,
  options: MigrateOptions,
): Promise<string[]> {
  const ordering = orderingBlocker(file, files, pending);
  if (ordering) return [ordering];
  if (file.header.phase !== 'contract') return [];
  if (options.enforceGate === false) return [];
  return contractBlockers(session, file, settings.gateWindowMs);
}

/**
 * Names of the files this build needs that are not applied yet; all of them before the first
 * run. Contract files are left out: by definition the build that ships them does not need
 * them (they run once its predecessors are gone). A backfill counts once complete. Cheap
 * enough for a readiness check; takes no lock.
 */
export async function missingMigrations(
  session: SqlSession,
  files: readonly MigrationFile[],
): Promise<string[]> {
  const needed = files.filter((file) => file.header.phase !== 'contract');
  if (!(await bookkeepingExists(session))) return needed.map((file) => file.name);
  const rows = await session.query<{ name: string }>(`select name from ${MIGRATIONS_TABLE}`);
  const applied = new Set(rows.map((row) => row.name));
  return needed.filter((file) => !applied.has(file.name)).map((file) => file.name);
}

export interface StartupMigrationOptions {
  release?: string;
}

/**
 * Startup entry for a database that belongs to this process (the embedded PGlite) and for
 * tests: every phase in name order on a session of its own. On PGlite the heartbeat evidence
 * of the gate is skipped: nothing else can open that database, so no older instance can be
 * running against it. On PostgreSQL the gate holds as everywhere else.
 */
export async function applyMigrations(
  db: Database,
  logger: Logger,
  dir: string = MIGRATIONS_DIR,
  options: StartupMigrationOptions = {},
): Promise<MigrateResult> {
  const files = await readMigrationFiles(dir);
  const session = await db.session();
  try {
    return await migrate({
      session,
      files,
      logger,
      command: 'all',
      enforceGate: db.engine !== 'pglite',
      ...options,
    });
  } finally {
    await session.release();
  }
}
