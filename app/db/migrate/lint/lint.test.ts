// Every rule has a failing fixture and its safe form (fixtures/<rule>.unsafe.sql and .safe.sql);
// the project's own migrations must lint clean. squawk's second opinion, a child process per
// file, is in lint-squawk.integration.test.ts.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listMigrationNames, MIGRATIONS_DIR } from '../files.ts';
import { lintMigration } from './lint.ts';
import { FIXTURES, fixture, lintFile } from './lint-fixtures.ts';
import { RULE_IDS } from './rules.ts';

/** Rules only squawk can raise. */
const SQUAWK_ONLY = new Set(['squawk']);

describe('the migration linter', () => {
  it('has a failing fixture and a safe form for every rule, and no fixture without a rule', async () => {
    const files = (await readdir(FIXTURES)).sort();
    const expected = RULE_IDS.flatMap((rule) => [`${rule}.safe.sql`, `${rule}.unsafe.sql`]).sort();
    expect(files).toEqual(expected);
  });

  for (const rule of RULE_IDS.filter((id) => !SQUAWK_ONLY.has(id))) {
    it(`flags ${rule} and passes its safe form`, async () => {
      const unsafe = await lintFile(fixture(rule, 'unsafe'));
      expect(unsafe.map((problem) => problem.rule)).toContain(rule);
      for (const problem of unsafe) {
        expect(problem.line).toBeGreaterThan(0);
        expect(problem.safe).not.toBe('');
      }
      expect(await lintFile(fixture(rule, 'safe'))).toEqual([]);
    });
  }

  it('lints the project migrations clean', async () => {
    for (const name of await listMigrationNames(MIGRATIONS_DIR)) {
      expect({ name, problems: await lintFile(join(MIGRATIONS_DIR, name)) }).toEqual({
        name,
        problems: [],
      });
    }
  });

  it('names the file, line, rule and statement of each problem', async () => {
    const text = [
      '-- migrate: expand',
      'alter table users add column nickname text;',
      '',
      'create index users_nickname_idx',
      '  on users (nickname);',
    ].join('\n');
    expect(await lintMigration('0009_x.sql', text)).toEqual([
      {
        file: '0009_x.sql',
        line: 4,
        rule: 'index-not-concurrent',
        message: 'CREATE INDEX users_nickname_idx on existing table users without CONCURRENTLY',
        safe: expect.stringContaining('CREATE INDEX CONCURRENTLY IF NOT EXISTS'),
        statement: 'create index users_nickname_idx\n  on users (nickname)',
      },
    ]);
  });

  it('allows anything on a table created in the same file', async () => {
    const text = [
      '-- migrate: expand',
      'create table notes (id bigint primary key generated always as identity, body text);',
      'create index notes_body_idx on notes (body);',
      "alter table notes add constraint notes_body_check check (body <> '');",
      'alter table notes alter column body set not null;',
    ].join('\n');
    expect(await lintMigration('0009_notes.sql', text)).toEqual([]);
  });

  it('refuses a contract whose after= is newer than the build that ships it', async () => {
    const text = '-- migrate: contract after=0.5.0\nalter table users drop column nickname;\n';
    expect(await lintMigration('0009_drop.sql', text, { release: '0.4.0' })).toEqual([
      expect.objectContaining({
        rule: 'phase-header',
        message: expect.stringContaining('newer than this build'),
      }),
    ]);
  });

  it('wants a reason with every acknowledgement', async () => {
    const text =
      '-- migrate: expand\n-- migrate:allow drop-not-null\nalter table users alter column email drop not null;\n';
    expect(await lintMigration('0009_x.sql', text)).toEqual([
      expect.objectContaining({
        rule: 'unused-acknowledgement',
        message: expect.stringContaining('gives no reason'),
      }),
    ]);
  });
});
