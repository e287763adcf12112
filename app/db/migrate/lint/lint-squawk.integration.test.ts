// squawk's second opinion (CI installs it with npm ci): it must agree that every safe form and
// every project migration is safe, and the linter must still flag every unsafe fixture with it.
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithTool } from '../../../../test/support/tools.ts';
import { listMigrationNames, MIGRATIONS_DIR } from '../files.ts';
import { lintMigration } from './lint.ts';
import { fixture, lintFile } from './lint-fixtures.ts';
import { RULE_IDS } from './rules.ts';
import { findSquawk, squawkRunner } from './squawk.ts';

/** Where npm squawk-cli puts its binary; `describeWithTool` says so loudly when it is missing. */
const SQUAWK = findSquawk() ?? resolve(import.meta.dirname, '../../../../node_modules/.bin/squawk');

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
