// Reads the migration files of a folder. Only `*.sql` at the top level count: drizzle-kit keeps
// its snapshots in `meta/`, which is not something to run.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** One migration as found on disk. A later header parser adds fields (phase, transaction mode). */
export interface MigrationFile {
  /** The file name, e.g. `0000_create_users.sql`: the identity recorded once it is applied. */
  readonly name: string;
  readonly path: string;
  readonly sql: string;
  /** sha256 of the content, hex: an applied file must never change. */
  readonly hash: string;
}

/** The project's `migrations/` folder, found from this file so the working directory is irrelevant. */
export const MIGRATIONS_DIR = resolve(import.meta.dirname, '../../../migrations');

function hashMigration(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** The folder's `*.sql` files in name order (code-point order, so no locale changes it). */
export async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.sql'))
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      const sql = await readFile(path, 'utf8');
      return { name, path, sql, hash: hashMigration(sql) };
    }),
  );
}
