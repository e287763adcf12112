// The project's migration runner. drizzle's own `migrate()` runs every pending file in one
// transaction, skips files older than the newest applied one (drizzle-orm#5769) and lets runners
// race (drizzle-orm#874). Here: one connection, one runner at a time through a session advisory
// lock, one transaction per file with short lock and statement timeouts, and a bookkeeping table
// keyed by file name whose recorded hash must never change.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../telemetry/logger.ts';
import type { Database, SqlSession } from '../database.ts';
import { MIGRATIONS_DIR, type MigrationFile, readMigrationFiles } from './files.ts';

/**
 * Key of the session advisory lock held while migrating. Arbitrary but fixed forever: runners of
 * different releases must contend for the same key. A string, because it exceeds 2^53.
 */
export const MIGRATION_LOCK_KEY = '7413825467230126177';

const TABLE = 'public.schema_migrations';

export interface MigrateOptions {
  /** A dedicated connection: the advisory lock and transactions live in its session. */
  session: SqlSession;
  files: readonly MigrationFile[];
  logger: Logger;
  /** How long to wait for another runner's advisory lock before failing. Default 60 s. */
  lockTimeoutMs?: number;
  /** Pause between attempts to take the advisory lock. Default 250 ms. */
  lockPollMs?: number;
  /**
   * `SET LOCAL lock_timeout` for each file. A DDL statement queued behind a long query blocks
   * every query queued behind it, so it gives up quickly instead. Default 2 s.
   */
  ddlLockTimeoutMs?: number;
  /** `SET LOCAL statement_timeout` for each file. Default 30 s. */
  statementTimeoutMs?: number;
}

export interface MigrateResult {
  /** Names of the files this run applied, in the order it applied them. */
  applied: string[];
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied, but the file's content differs from what was applied: `migrate` refuses to run. */
  changed: string[];
  /** Recorded as applied with no file here, e.g. applied by a newer release. */
  unknown: string[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
  /** The file at fault, when there is one. */
  readonly file: string | undefined;
  constructor(message: string, file?: string, options?: ErrorOptions) {
    super(message, options);
    this.file = file;
  }
}

/** Applies every file not yet recorded, in name order, each in its own transaction. */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const { session, files, logger } = options;
  const timeouts = {
    lock: milliseconds(options.ddlLockTimeoutMs ?? 2_000, 'ddlLockTimeoutMs'),
    statement: milliseconds(options.statementTimeoutMs ?? 30_000, 'statementTimeoutMs'),
  };
  await acquireLock(session, logger, {
    timeoutMs: milliseconds(options.lockTimeoutMs ?? 60_000, 'lockTimeoutMs'),
    pollMs: milliseconds(options.lockPollMs ?? 250, 'lockPollMs'),
  });
  try {
    await ensureBookkeeping(session);
    const recorded = await readRecorded(session);
    // Checked before anything runs: an edited applied file means the database and the code
    // disagree about the schema, and applying more on top would only widen the gap.
    const changed = files.filter((file) => isChanged(file, recorded));
    if (changed.length > 0) throw changedError(changed, recorded);

    const applied: string[] = [];
    // Every unrecorded file, even one named before an applied one (merged later): skipping it
    // silently is how drizzle's migrate() loses migrations.
    for (const file of files.filter((file) => !recorded.has(file.name))) {
      const durationMs = await applyFile(session, file, timeouts);
      applied.push(file.name);
      logger.info({ migration: file.name, durationMs }, 'migration applied');
    }
    return { applied };
  } finally {
    await releaseLock(session, logger);
  }
}

/** Which files are applied, pending, edited since applied, or recorded without a file. */
export async function migrationStatus(
  session: SqlSession,
  files: readonly MigrationFile[],
): Promise<MigrationStatus> {
  const recorded = (await bookkeepingExists(session)) ? await readRecorded(session) : new Map();
  const names = new Set(files.map((file) => file.name));
  return {
    applied: files.filter((file) => recorded.has(file.name)).map((file) => file.name),
    pending: files.filter((file) => !recorded.has(file.name)).map((file) => file.name),
    changed: files.filter((file) => isChanged(file, recorded)).map((file) => file.name),
    unknown: [...recorded.keys()].filter((name) => !names.has(name)).sort(),
  };
}

/**
 * Names of the files not yet applied; all of them before the first run. Cheap enough for a
 * readiness check that the schema this build needs is in place. Takes no lock.
 */
export async function missingMigrations(
  session: SqlSession,
  files: readonly MigrationFile[],
): Promise<string[]> {
  if (!(await bookkeepingExists(session))) return files.map((file) => file.name);
  const rows = await session.query<{ name: string }>(`select name from ${TABLE}`);
  const applied = new Set(rows.map((row) => row.name));
  return files.filter((file) => !applied.has(file.name)).map((file) => file.name);
}

/** Startup entry: migrates `dir` on a session of its own, then gives the connection back. */
export async function applyMigrations(
  db: Database,
  logger: Logger,
  dir: string = MIGRATIONS_DIR,
): Promise<MigrateResult> {
  const files = await readMigrationFiles(dir);
  const session = await db.session();
  try {
    return await migrate({ session, files, logger });
  } finally {
    await session.release();
  }
}

// --- the advisory lock ------------------------------------------------------------------------

async function acquireLock(
  session: SqlSession,
  logger: Logger,
  { timeoutMs, pollMs }: { timeoutMs: number; pollMs: number },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let waiting = false;
  for (;;) {
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
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
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

async function releaseLock(session: SqlSession, logger: Logger): Promise<void> {
  try {
    await session.query('select pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
  } catch (error) {
    // Only a broken connection gets here, and the server drops its locks along with it.
    // Throwing would hide the error that broke it.
    logger.warn({ err: error }, 'could not release the migration lock');
  }
}

// --- bookkeeping ------------------------------------------------------------------------------

// Later versions add columns (phase, started/finished) with `alter table ... add column if not
// exists` after this, so an old table keeps working.
async function ensureBookkeeping(session: SqlSession): Promise<void> {
  if (await bookkeepingExists(session)) return;
  await session.exec(`create table if not exists ${TABLE} (
    name text primary key,
    hash text not null,
    applied_at timestamptz not null default now(),
    duration_ms integer not null
  )`);
}

async function bookkeepingExists(session: SqlSession): Promise<boolean> {
  const [row] = await session.query<{ exists: boolean }>(
    `select to_regclass('${TABLE}') is not null as exists`,
  );
  return row?.exists === true;
}

/** Recorded hash by file name. */
async function readRecorded(session: SqlSession): Promise<Map<string, string>> {
  const rows = await session.query<{ name: string; hash: string }>(
    `select name, hash from ${TABLE}`,
  );
  return new Map(rows.map((row) => [row.name, row.hash]));
}

function isChanged(file: MigrationFile, recorded: ReadonlyMap<string, string>): boolean {
  const hash = recorded.get(file.name);
  return hash !== undefined && hash !== file.hash;
}

function changedError(
  changed: readonly MigrationFile[],
  recorded: ReadonlyMap<string, string>,
): MigrationError {
  const lines = changed.map(
    (file) =>
      `  - ${file.name}: applied with sha256 ${recorded.get(file.name)}, file now ${file.hash}`,
  );
  return new MigrationError(
    `Applied migration${changed.length > 1 ? 's were' : ' was'} edited afterwards; nothing was applied.\n` +
      `${lines.join('\n')}\nRestore the applied content and put the change in a new migration file.`,
    changed[0]?.name,
  );
}

// --- applying one file ------------------------------------------------------------------------

/** Runs one file and records it in one transaction, so it is either fully applied or not at all. */
async function applyFile(
  session: SqlSession,
  file: MigrationFile,
  timeouts: { lock: number; statement: number },
): Promise<number> {
  const started = performance.now();
  await session.exec('BEGIN');
  try {
    // LOCAL: the settings end with the transaction instead of leaking into the next file.
    await session.exec(
      `SET LOCAL lock_timeout = '${timeouts.lock}ms'; SET LOCAL statement_timeout = '${timeouts.statement}ms'`,
    );
    await session.exec(file.sql);
    const durationMs = Math.round(performance.now() - started);
    await session.query(`insert into ${TABLE} (name, hash, duration_ms) values ($1, $2, $3)`, [
      file.name,
      file.hash,
      durationMs,
    ]);
    await session.exec('COMMIT');
    return durationMs;
  } catch (error) {
    // If even ROLLBACK fails the connection is gone, and the server rolls back on its own.
    await session.exec('ROLLBACK').catch(() => {});
    throw new MigrationError(
      `Migration ${file.name} failed and was rolled back: ${describeDatabaseError(error)}`,
      file.name,
      { cause: error },
    );
  }
}

/** The server's message with the SQLSTATE and any detail/hint, which postgres.js and PGlite both carry. */
function describeDatabaseError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, detail, hint } = error as Error & Record<string, unknown>;
  let text = error.message;
  if (typeof code === 'string') text += ` [SQLSTATE ${code}]`;
  if (typeof detail === 'string' && detail) text += `; detail: ${detail}`;
  if (typeof hint === 'string' && hint) text += `; hint: ${hint}`;
  return text;
}

/** The values end up inside SQL text (SET takes no parameters), so only plain integers pass. */
function milliseconds(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a whole number of milliseconds >= 0, got ${value}`);
  }
  return value;
}
