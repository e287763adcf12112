// The runner's own tables, created and extended by the runner itself (never by a migration
// file, so they exist before the first file runs):
// - schema_migrations: one row per applied file (name, hash, phase…). Applied = name present.
// - schema_backfills: per backfill, the checkpoint a restarted run resumes from and the
//   completion marker.
// - app_instances: each app instance's release and heartbeat, the contract gate's evidence.
// Newer runners add columns with `add column if not exists`, so a table made by an older one
// keeps working.
import type { SqlSession } from '../database.ts';
import type { MigrationFile } from './files.ts';
import type { Phase } from './header.ts';
import { inTransaction } from './transaction.ts';

export const MIGRATIONS_TABLE = 'public.schema_migrations';
export const BACKFILLS_TABLE = 'public.schema_backfills';
export const INSTANCES_TABLE = 'public.app_instances';

/** Columns added after the first version of schema_migrations (name, hash, applied_at, duration_ms). */
const ADDED_COLUMNS: Record<string, string> = {
  phase: 'text',
  after_release: 'text',
  release: 'text',
  started_at: 'timestamptz',
};

export interface RecordedMigration {
  hash: string;
  /** Null for rows recorded before phases existed. */
  phase: Phase | null;
  after: string | null;
}

async function exists(session: SqlSession, table: string): Promise<boolean> {
  const [row] = await session.query<{ exists: boolean }>(
    'select to_regclass($1) is not null as exists',
    [table],
  );
  return row?.exists === true;
}

export function bookkeepingExists(session: SqlSession): Promise<boolean> {
  return exists(session, MIGRATIONS_TABLE);
}

/**
 * Creates or extends the tables, in a transaction with a short lock timeout. Only what is
 * missing is altered: an ALTER takes an exclusive lock even when it ends up changing nothing.
 */
export async function ensureBookkeeping(session: SqlSession, lockTimeoutMs: number): Promise<void> {
  const statements: string[] = [];
  if (!(await exists(session, MIGRATIONS_TABLE))) {
    statements.push(`create table if not exists ${MIGRATIONS_TABLE} (
      name text primary key,
      hash text not null,
      applied_at timestamptz not null default now(),
      duration_ms integer not null
    )`);
  }
  const present = new Set(
    (
      await session.query<{ column_name: string }>(
        `select column_name from information_schema.columns
          where table_schema = 'public' and table_name = 'schema_migrations'`,
      )
    ).map((row) => row.column_name),
  );
  for (const [column, type] of Object.entries(ADDED_COLUMNS)) {
    if (!present.has(column))
      statements.push(`alter table ${MIGRATIONS_TABLE} add column if not exists ${column} ${type}`);
  }
  if (!(await exists(session, BACKFILLS_TABLE))) {
    statements.push(`create table if not exists ${BACKFILLS_TABLE} (
      name text primary key,
      last_key bigint,
      rows_done bigint not null default 0,
      started_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      completed_at timestamptz
    )`);
  }
  if (!(await exists(session, INSTANCES_TABLE))) {
    statements.push(`create table if not exists ${INSTANCES_TABLE} (
      instance_id text primary key,
      release text not null,
      hostname text not null,
      pid integer not null,
      started_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      stopped_at timestamptz
    )`);
  }
  if (statements.length === 0) return;
  await inTransaction(session, async () => {
    await session.exec(`SET LOCAL lock_timeout = '${lockTimeoutMs}ms'`);
    for (const statement of statements) await session.exec(statement);
  });
}

/** Recorded files by name. */
export async function readRecorded(session: SqlSession): Promise<Map<string, RecordedMigration>> {
  if (!(await bookkeepingExists(session))) return new Map();
  const hasPhase = await session.query<{ one: number }>(
    `select 1 as one from information_schema.columns
      where table_schema = 'public' and table_name = 'schema_migrations' and column_name = 'phase'`,
  );
  const rows = await session.query<{
    name: string;
    hash: string;
    phase: Phase | null;
    after_release: string | null;
  }>(
    hasPhase.length > 0
      ? `select name, hash, phase, after_release from ${MIGRATIONS_TABLE}`
      : `select name, hash, null as phase, null as after_release from ${MIGRATIONS_TABLE}`,
  );
  return new Map(
    rows.map((row) => [row.name, { hash: row.hash, phase: row.phase, after: row.after_release }]),
  );
}

export interface AppliedRecord {
  file: MigrationFile;
  startedAt: Date;
  durationMs: number;
  release: string | null;
}

/** Records a file as applied. Runs inside the file's own transaction where it has one. */
export async function recordApplied(session: SqlSession, record: AppliedRecord): Promise<void> {
  const { file } = record;
  await session.query(
    `insert into ${MIGRATIONS_TABLE} (name, hash, duration_ms, phase, after_release, release, started_at)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      file.name,
      file.hash,
      record.durationMs,
      file.header.phase,
      file.header.after ?? null,
      record.release,
      record.startedAt.toISOString(),
    ],
  );
}

/** Applied, but the file's content differs from what was applied. */
export function isChanged(
  file: MigrationFile,
  recorded: ReadonlyMap<string, RecordedMigration>,
): boolean {
  const entry = recorded.get(file.name);
  return entry !== undefined && entry.hash !== file.hash;
}
