// Every rule has a failing fixture and its safe form (fixtures/<rule>.unsafe.sql and .safe.sql);
// the project's own migrations must lint clean. With squawk where installed (CI installs it
// with npm ci): the second opinion must agree that every safe form is safe. About 3 s.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithTool } from '../../../../test/support/tools.ts';
import { listMigrationNames, MIGRATIONS_DIR } from '../files.ts';
import { type LintOptions, lintMigration } from './lint.ts';
import { RULE_IDS } from './rules.ts';
import { findSquawk, squawkRunner } from './squawk.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
/** Where npm squawk-cli puts its binary; `describeWithTool` says so loudly when it is missing. */
const SQUAWK = findSquawk() ?? resolve(import.meta.dirname, '../../../../node_modules/.bin/squawk');
/** Rules only squawk can raise. */
const SQUAWK_ONLY = new Set(['squawk']);

async function lintFile(path: string, options: LintOptions = {}) {
  return lintMigration(path, await readFile(path, 'utf8'), { release: '0.4.0', ...options });
}

const fixture = (rule: string, kind: 'unsafe' | 'safe') => join(FIXTURES, `${rule}.${kind}.sql`);

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

describeWithTool(
  'squawk',
  (squawk) => {
    const options = {
      squawk: squawkRunner(squawk, { lockTimeoutMs: 2_000, statementTimeoutMs: 30_000 }),
    };

    it('reports what only squawk catches, with its rule name', async () => {
      const problems = await lintFile(fixture('squawk', 'unsafe'), options);
      expect(problems).toEqual([
        expect.objectContaining({
          rule: 'squawk',
          squawkRule: 'ban-create-domain-with-constraint',
          line: 2,
        }),
      ]);
    });

    it('agrees that every safe form and every project migration is safe', async () => {
      const paths = [
        ...RULE_IDS.map((rule) => fixture(rule, 'safe')),
        ...(await listMigrationNames(MIGRATIONS_DIR)).map((name) => join(MIGRATIONS_DIR, name)),
      ];
      // In parallel: each file is one squawk process.
      const results = await Promise.all(
        paths.map(async (path) => ({ path, problems: await lintFile(path, options) })),
      );
      expect(results).toEqual(paths.map((path) => ({ path, problems: [] })));
    });

    it('still flags every unsafe fixture, squawk or not', async () => {
      const results = await Promise.all(
        RULE_IDS.map(async (rule) => {
          const problems = await lintFile(fixture(rule, 'unsafe'), options);
          return { rule, flagged: problems.some((problem) => problem.rule === rule) };
        }),
      );
      expect(results).toEqual(RULE_IDS.map((rule) => ({ rule, flagged: true })));
    });

    it('takes an acknowledgement of a squawk rule', async () => {
      const text =
        "-- migrate: expand\n-- migrate:allow squawk:ban-create-domain-with-constraint: checked once, at the edge\nCREATE DOMAIN email_address AS text CHECK (VALUE LIKE '%@%');\n";
      expect(await lintMigration('0009_domain.sql', text, options)).toEqual([]);
    });
  },
  SQUAWK,
);
