// `npm run lint:migrations [files…]`: lints the given migration files, or every file in
// migrations/. Exits 1 with one block per problem (file:line, rule, the statement, the safe
// alternative), 0 when there is none, 2 on bad usage or configuration. squawk runs as a second
// opinion when installed (npm squawk-cli, a devDependency); without it the linter says so
// loudly, and under CI=true that is a failure.
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { migrationLintConfig } from '../../../config/processes.ts';
import { listMigrationNames, MIGRATIONS_DIR } from '../files.ts';
import { type LintProblem, lintMigration } from './lint.ts';
import { findSquawk, squawkRunner } from './squawk.ts';

function format(problem: LintProblem): string {
  const where = `${relative(process.cwd(), problem.file)}:${problem.line}`;
  const lines = [`${where}  [${problem.rule}] ${problem.message}`];
  if (problem.statement) {
    const text = problem.statement.replace(/\s+/g, ' ');
    lines.push(`    statement: ${text.length > 160 ? `${text.slice(0, 157)}...` : text}`);
  }
  lines.push(`    safe: ${problem.safe}`);
  return lines.join('\n');
}

async function main(args: readonly string[]): Promise<number> {
  if (args.some((arg) => arg.startsWith('-'))) {
    console.error('usage: npm run lint:migrations [-- file.sql ...]');
    return 2;
  }
  const config = migrationLintConfig.loadOrReport(process.env);
  if (!config) return 2;
  const files =
    args.length > 0
      ? args.map((arg) => resolve(arg))
      : (await listMigrationNames(MIGRATIONS_DIR)).map((name) => join(MIGRATIONS_DIR, name));

  const binary = findSquawk();
  const squawk = binary
    ? squawkRunner(binary, {
        lockTimeoutMs: config.MIGRATION_LOCK_TIMEOUT_MS,
        statementTimeoutMs: config.MIGRATION_STATEMENT_TIMEOUT_MS,
      })
    : undefined;
  if (!squawk) {
    const reason =
      'squawk is not installed (npm squawk-cli, a devDependency): linting without the second opinion';
    if (process.env.CI === 'true') {
      console.error(`CI=true and ${reason}`);
      return 1;
    }
    console.error(`\n!!! ${reason}\n`);
  }

  const problems: LintProblem[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    problems.push(...(await lintMigration(file, text, { squawk, release: config.RELEASE })));
  }
  if (problems.length === 0) {
    process.stdout.write(`${files.length} migration file(s) checked, no problems\n`);
    return 0;
  }
  process.stdout.write(`${problems.map(format).join('\n\n')}\n\n`);
  process.stdout.write(`${problems.length} problem(s) in ${files.length} migration file(s)\n`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
