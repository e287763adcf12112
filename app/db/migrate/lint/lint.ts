// Lints one migration file: its header, every statement (checks.ts), acknowledgements, and
// squawk's second opinion. squawk does not know phases, so its warnings about something this
// linter already decided for the statement (flagged, acknowledged, or allowed by the phase,
// such as DROP COLUMN in a contract file) are not repeated; everything else it says is a
// problem of its own.
import { type MigrationHeader, parseHeader } from '../header.ts';
import { compareReleases, isRelease } from '../release.ts';
import { parseStatements, SqlSyntaxError, type Statement } from '../statements.ts';
import { acknowledgementsIn } from './acknowledgements.ts';
import { checkStatement } from './checks.ts';
import type { FileContext } from './finding.ts';
import { RULES, type RuleId } from './rules.ts';
import type { SquawkRunner } from './squawk.ts';
import { parameterNumbers } from './tree.ts';

export interface LintProblem {
  file: string;
  line: number;
  rule: RuleId;
  /** squawk's own rule name, for problems of the `squawk` rule. */
  squawkRule?: string;
  message: string;
  /** What to write instead. */
  safe: string;
  /** The statement at fault, as written. */
  statement?: string;
}

/** squawk's rules that one of ours decides, with phase knowledge squawk lacks. */
const SQUAWK_EQUIVALENTS: Record<string, RuleId> = {
  'adding-field-with-default': 'add-column-volatile-default',
  'adding-foreign-key-constraint': 'constraint-not-valid',
  'adding-not-nullable-field': 'set-not-null',
  'adding-required-field': 'add-column-not-null',
  'adding-serial-primary-key-field': 'column-type',
  'ban-char-field': 'column-type',
  'ban-concurrent-index-creation-in-transaction': 'concurrently-in-transaction',
  'ban-drop-column': 'destructive-outside-contract',
  'ban-drop-table': 'destructive-outside-contract',
  'ban-truncate-cascade': 'destructive-outside-contract',
  'ban-drop-not-null': 'drop-not-null',
  'changing-column-type': 'set-data-type',
  'constraint-missing-not-valid': 'constraint-not-valid',
  'disallowed-unique-constraint': 'unique-constraint',
  'prefer-bigint-over-int': 'column-type',
  'prefer-bigint-over-smallint': 'column-type',
  'prefer-identity': 'column-type',
  'prefer-timestamptz': 'column-type',
  'prefer-timestamp-tz': 'column-type',
  'prefer-robust-stmts': 'not-idempotent',
  'renaming-column': 'rename',
  'renaming-table': 'rename',
  'require-concurrent-index-creation': 'index-not-concurrent',
  'require-concurrent-index-deletion': 'drop-index-not-concurrent',
  'require-concurrent-reindex': 'reindex-not-concurrent',
  'require-concurrent-partition-detach': 'detach-partition-not-concurrent',
  'transaction-nesting': 'transaction-control',
  'ban-uncommitted-transaction': 'transaction-control',
};

export interface LintOptions {
  /** squawk as second opinion; undefined lints with these rules alone. */
  squawk?: SquawkRunner;
  /** The release of the build that ships the file: a contract's after= must not be newer. */
  release?: string;
}

function problem(
  file: string,
  line: number,
  rule: RuleId,
  message: string,
  statement?: Statement,
): LintProblem {
  return {
    file,
    line,
    rule,
    message,
    safe: RULES[rule].safe,
    statement: statement?.text,
  };
}

/** The backfill file's one statement must be an UPDATE of its table over $1 < key <= $2. */
function backfillShape(file: string, header: MigrationHeader, statements: Statement[]) {
  const [only] = statements;
  const what = (message: string) => [
    problem(file, only?.line ?? 1, 'backfill-shape', message, only),
  ];
  if (statements.length !== 1 || !only) return what(`holds ${statements.length} statements`);
  if (!('UpdateStmt' in only.node)) return what('its statement is not an UPDATE');
  const update = only.node.UpdateStmt;
  const table = header.backfill?.table.split('.').at(-1);
  if (update.relation?.relname !== table)
    return what(`updates ${update.relation?.relname}, but the header says table=${table}`);
  if (!update.whereClause) return what('has no WHERE clause');
  const params = parameterNumbers(update);
  if (!params.has(1) || !params.has(2) || params.size !== 2)
    return what(
      'must use exactly the parameters $1 (exclusive lower key) and $2 (inclusive upper key)',
    );
  if (update.returningClause) return what('has a RETURNING clause (the runner counts rows itself)');
  return [];
}

export async function lintMigration(
  file: string,
  text: string,
  options: LintOptions = {},
): Promise<LintProblem[]> {
  const header = parseHeader(text);
  if (typeof header === 'string') return [problem(file, 1, 'phase-header', header)];
  const release = options.release;
  if (header.after && release && isRelease(release) && compareReleases(header.after, release) > 0) {
    return [
      problem(
        file,
        1,
        'phase-header',
        `after=${header.after} is newer than this build's release ${release}: the gate would wait for this very release to be gone`,
      ),
    ];
  }
  let statements: Statement[];
  try {
    statements = await parseStatements(text);
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    return [problem(file, error.line ?? 1, 'syntax', error.message)];
  }

  const problems: LintProblem[] = [];
  const context: FileContext = { header, createdTables: new Set(), notValidConstraints: new Set() };
  const decided = statements.map(() => new Set<string>());
  const acknowledgements = statements.map((statement) => acknowledgementsIn(statement.leading));
  statements.forEach((statement, index) => {
    for (const finding of checkStatement(statement, context)) {
      decided[index]?.add(finding.rule);
      if (finding.permitted) continue;
      const acknowledged = acknowledgements[index]?.find((ack) => ack.rule === finding.rule);
      if (acknowledged) acknowledged.used = true;
      else problems.push(problem(file, statement.line, finding.rule, finding.message, statement));
    }
  });
  if (header.phase === 'backfill') problems.push(...backfillShape(file, header, statements));

  if (options.squawk) {
    for (const finding of await options.squawk(file, text, header)) {
      // The statement whose text holds the line: the last one starting at or before it.
      let index = statements.findLastIndex((statement) => statement.line <= finding.line);
      if (index === -1) index = 0;
      const equivalent = SQUAWK_EQUIVALENTS[finding.rule];
      if (equivalent && decided[index]?.has(equivalent)) continue;
      const acknowledged = acknowledgements[index]?.find(
        (ack) => ack.rule === `squawk:${finding.rule}`,
      );
      if (acknowledged) {
        acknowledged.used = true;
        continue;
      }
      problems.push({
        ...problem(
          file,
          finding.line,
          'squawk',
          `squawk ${finding.rule}: ${finding.message}`,
          statements[index],
        ),
        squawkRule: finding.rule,
        safe: finding.help ?? RULES.squawk.safe,
      });
    }
  }

  statements.forEach((statement, index) => {
    for (const ack of acknowledgements[index] ?? []) {
      // Without squawk, its acknowledgements cannot be judged: leave them be.
      if (!ack.used && ack.rule.startsWith('squawk:') && !options.squawk) continue;
      if (!ack.used) {
        problems.push(
          problem(
            file,
            statement.line,
            'unused-acknowledgement',
            `"migrate:allow ${ack.rule}" allows nothing in this statement`,
            statement,
          ),
        );
      } else if (!ack.reason) {
        problems.push(
          problem(
            file,
            statement.line,
            'unused-acknowledgement',
            `"migrate:allow ${ack.rule}" gives no reason`,
            statement,
          ),
        );
      }
    }
  });
  return problems.sort((a, b) => a.line - b.line);
}
