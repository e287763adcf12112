// The linter's fixtures, for its tests: fixtures/<rule>.unsafe.sql and its safe form.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LintOptions, lintMigration } from './lint.ts';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

export const fixture = (rule: string, kind: 'unsafe' | 'safe') =>
  join(FIXTURES, `${rule}.${kind}.sql`);

export async function lintFile(path: string, options: LintOptions = {}) {
  return lintMigration(path, await readFile(path, 'utf8'), { release: '0.4.0', ...options });
}
