// Reads the migration files of a folder. Only `*.sql` at the top level count: drizzle-kit keeps
// its snapshots in `meta/`, which is not something to run.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MigrationError } from './errors.ts';
import { type MigrationHeader, parseHeader } from './header.ts';

/** One migration as found on disk. */
export interface MigrationFile {
  /** The file name, e.g. `0000_create_users.sql`: the identity recorded once it is applied. */
  readonly name: string;
  readonly path: string;
  /** The whole text, header included: what runs. */
  readonly sql: string;
  /**
   * sha256 of the text after the header line, hex: an applied file must never change. The
   * header is left out because it says when to run, not what runs, and files applied before
   * headers existed (0000) got theirs afterwards without changing what they did.
   */
  readonly hash: string;
  readonly header: MigrationHeader;
}

/** The project's `migrations/` folder, found from this file so the working directory is irrelevant. */
export const MIGRATIONS_DIR = resolve(import.meta.dirname, '../../../migrations');

function hashBody(sql: string): string {
  const newline = sql.indexOf('\n');
  const body = newline === -1 ? '' : sql.slice(newline + 1);
  return createHash('sha256').update(body).digest('hex');
}

/** The names of the folder's `*.sql` files in code-point order, so no locale changes it. */
export async function listMigrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.sql'))
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The folder's migrations in name order. A file without a valid phase header is an error for
 * the whole folder: nothing may run while it is unknown when that file may.
 */
export async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  const names = await listMigrationNames(dir);
  const problems: { name: string; problem: string }[] = [];
  const files = await Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      const sql = await readFile(path, 'utf8');
      const header = parseHeader(sql);
      if (typeof header === 'string') {
        problems.push({ name, problem: header });
        return undefined;
      }
      return { name, path, sql, hash: hashBody(sql), header };
    }),
  );
  if (problems.length > 0) {
    const lines = problems.map(({ name, problem }) => `  - ${name}: ${problem}`);
    throw new MigrationError(
      `Migration file${problems.length > 1 ? 's' : ''} without a valid phase header; nothing was run.\n${lines.join('\n')}`,
      problems[0]?.name,
    );
  }
  return files.filter((file) => file !== undefined);
}
