// The one shape the rest of the app sees, whichever engine is underneath: postgres.js against
// a real PostgreSQL, or PGlite embedded in the process.
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.ts';

export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>;

/** One dedicated connection, for work that needs session state (advisory locks, transactions). */
export interface SqlSession {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of one or more statements with the simple query protocol. */
  exec(text: string): Promise<void>;
  release(): Promise<void>;
}

export interface Database {
  readonly engine: 'postgres' | 'pglite';
  readonly orm: Orm;
  /** Resolves when the database answers a trivial query within `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>;
  /** Runs `work` so that every query it starts is cancelled when `signal` aborts. */
  cancellable<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T>;
  session(): Promise<SqlSession>;
  close(): Promise<void>;
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
