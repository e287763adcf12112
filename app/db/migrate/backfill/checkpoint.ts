// A backfill's progress in schema_backfills: the last key done (the checkpoint a restarted run
// resumes after) and, once every batch is done, the completion marker. The checkpoint moves in
// the same transaction as the batch it covers, so it is never ahead of or behind the data.
import type { SqlSession } from '../../database.ts';
import { BACKFILLS_TABLE } from '../bookkeeping.ts';

export interface Checkpoint {
  /** Batches are done up to and including this key; null before the first batch. */
  lastKey: string | null;
  rowsDone: number;
  completed: boolean;
}

/** The backfill's checkpoint, created empty on its first run. */
export async function openCheckpoint(session: SqlSession, name: string): Promise<Checkpoint> {
  await session.query(
    `insert into ${BACKFILLS_TABLE} (name) values ($1) on conflict (name) do nothing`,
    [name],
  );
  const [row] = await session.query<{
    last_key: string | null;
    rows_done: string | number;
    completed: boolean;
  }>(
    `select last_key::text as last_key, rows_done, completed_at is not null as completed
       from ${BACKFILLS_TABLE} where name = $1`,
    [name],
  );
  return {
    lastKey: row?.last_key ?? null,
    rowsDone: Number(row?.rows_done ?? 0),
    completed: row?.completed === true,
  };
}

/** Moves the checkpoint past a batch; call inside the batch's transaction. */
export async function advanceCheckpoint(
  session: SqlSession,
  name: string,
  lastKey: string,
  rows: number,
): Promise<void> {
  await session.query(
    `update ${BACKFILLS_TABLE}
        set last_key = $2::bigint, rows_done = rows_done + $3, updated_at = now()
      where name = $1`,
    [name, lastKey, rows],
  );
}

/** Sets the completion marker; call in the transaction that records the file as applied. */
export async function markComplete(session: SqlSession, name: string): Promise<void> {
  await session.query(
    `update ${BACKFILLS_TABLE} set completed_at = now(), updated_at = now() where name = $1`,
    [name],
  );
}

export interface BackfillState {
  name: string;
  lastKey: string | null;
  rowsDone: number;
  completedAt: Date | null;
  updatedAt: Date;
}

/** Every backfill that ever started, for status output and the contract gate. */
export async function readBackfills(session: SqlSession): Promise<BackfillState[]> {
  const [table] = await session.query<{ exists: boolean }>(
    'select to_regclass($1) is not null as exists',
    [BACKFILLS_TABLE],
  );
  if (!table?.exists) return [];
  const rows = await session.query<{
    name: string;
    last_key: string | null;
    rows_done: string | number;
    completed_at: Date | string | null;
    updated_at: Date | string;
  }>(
    `select name, last_key::text as last_key, rows_done, completed_at, updated_at
       from ${BACKFILLS_TABLE} order by name`,
  );
  return rows.map((row) => ({
    name: row.name,
    lastKey: row.last_key,
    rowsDone: Number(row.rows_done),
    completedAt: row.completed_at === null ? null : new Date(row.completed_at),
    updatedAt: new Date(row.updated_at),
  }));
}
