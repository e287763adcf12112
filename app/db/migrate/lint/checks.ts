// The statement checks of the migration linter, on PostgreSQL's own parse trees. Each finding
// names a rule of rules.ts; `permitted` marks a finding that the file's phase allows (a DROP
// COLUMN in a contract file): not a problem, but squawk's matching warning is settled by it.
import type {
  AlterTableCmd,
  CreateStmt,
  DropStmt,
  IndexStmt,
  RangeVar,
  ReindexStmt,
  RenameStmt,
  VariableSetStmt,
} from 'libpg-query';
import type { Statement } from '../statements.ts';
import { addColumnFindings, columnTypeFindings } from './columns.ts';
import type { FileContext, Finding } from './finding.ts';
import { strings } from './tree.ts';

const DESTRUCTIVE_DROPS = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_SCHEMA',
  'OBJECT_TYPE',
  'OBJECT_SEQUENCE',
]);

function isExisting(relation: RangeVar | undefined, context: FileContext): boolean {
  return !context.createdTables.has(relation?.relname ?? '');
}

function alterTableCommand(
  cmd: AlterTableCmd,
  relation: RangeVar | undefined,
  context: FileContext,
): Finding[] {
  const table = relation?.relname ?? '(table)';
  const existing = isExisting(relation, context);
  const { phase, transaction } = context.header;
  const findings: Finding[] = [];
  const notIdempotent = (what: string) => {
    if (!transaction)
      findings.push({
        rule: 'not-idempotent',
        message: `${what} on ${table} fails when run again`,
      });
  };
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const column = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
      if (column) findings.push(...addColumnFindings(column, existing, context.header.phase));
      if (!cmd.missing_ok) notIdempotent('ADD COLUMN without IF NOT EXISTS');
      break;
    }
    case 'AT_AddConstraint': {
      const constraint = cmd.def && 'Constraint' in cmd.def ? cmd.def.Constraint : undefined;
      if (!constraint) break;
      const name = constraint.conname ?? '(unnamed)';
      if (constraint.skip_validation) context.notValidConstraints.add(name);
      if (existing && !constraint.indexname) {
        if (constraint.contype === 'CONSTR_UNIQUE' || constraint.contype === 'CONSTR_PRIMARY') {
          findings.push({
            rule: 'unique-constraint',
            message: `ADD ${constraint.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'PRIMARY KEY'} ${name} on ${table} builds its index under an exclusive lock`,
          });
        }
        if (
          (constraint.contype === 'CONSTR_FOREIGN' || constraint.contype === 'CONSTR_CHECK') &&
          !constraint.skip_validation
        ) {
          findings.push({
            rule: 'constraint-not-valid',
            message: `ADD CONSTRAINT ${name} on ${table} without NOT VALID`,
          });
        }
      }
      notIdempotent(`ADD CONSTRAINT ${name}`);
      break;
    }
    case 'AT_ValidateConstraint':
      if (cmd.name && context.notValidConstraints.has(cmd.name)) {
        findings.push({
          rule: 'validate-same-file',
          message: `VALIDATE CONSTRAINT ${cmd.name} in the file that added it NOT VALID`,
        });
      }
      break;
    case 'AT_SetNotNull':
      if (existing)
        findings.push({ rule: 'set-not-null', message: `SET NOT NULL on ${table}.${cmd.name}` });
      break;
    case 'AT_DropNotNull':
      findings.push({ rule: 'drop-not-null', message: `DROP NOT NULL on ${table}.${cmd.name}` });
      break;
    case 'AT_AlterColumnType': {
      if (existing) {
        findings.push({
          rule: 'set-data-type',
          message: `ALTER COLUMN ${cmd.name} TYPE on ${table}`,
        });
      }
      const column = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
      if (column) findings.push(...columnTypeFindings({ ...column, colname: cmd.name }, new Set()));
      break;
    }
    case 'AT_DropColumn':
      if (existing) {
        findings.push({
          rule: 'destructive-outside-contract',
          message: `DROP COLUMN ${table}.${cmd.name}`,
          permitted: phase === 'contract',
        });
      }
      if (!cmd.missing_ok) notIdempotent('DROP COLUMN without IF EXISTS');
      break;
    case 'AT_DropConstraint':
      if (!cmd.missing_ok) notIdempotent('DROP CONSTRAINT without IF EXISTS');
      break;
    case 'AT_DetachPartition': {
      const partition = cmd.def && 'PartitionCmd' in cmd.def ? cmd.def.PartitionCmd : undefined;
      if (partition?.concurrent) {
        if (transaction)
          findings.push({
            rule: 'concurrently-in-transaction',
            message: `DETACH PARTITION … CONCURRENTLY on ${table} in a transactional file`,
          });
        // It has no IF EXISTS form: the reference keeps it alone in its no-transaction file, so
        // a rerun only happens when it did not complete (then DETACH … FINALIZE by hand).
        findings.push({
          rule: 'not-idempotent',
          message: `DETACH PARTITION … CONCURRENTLY on ${table} has no IF EXISTS form`,
          permitted: true,
        });
      } else {
        findings.push({
          rule: 'detach-partition-not-concurrent',
          message: `DETACH PARTITION on ${table} without CONCURRENTLY`,
        });
      }
      break;
    }
  }
  return findings;
}

function indexFindings(index: IndexStmt, context: FileContext): Finding[] {
  const name = index.idxname ?? '(unnamed)';
  const table = index.relation?.relname ?? '(table)';
  const { phase, transaction } = context.header;
  const findings: Finding[] = [];
  if (index.concurrent && transaction) {
    findings.push({
      rule: 'concurrently-in-transaction',
      message: `CREATE INDEX CONCURRENTLY ${name} in a transactional file`,
    });
  }
  if (!index.concurrent && isExisting(index.relation, context)) {
    findings.push({
      rule: 'index-not-concurrent',
      message: `CREATE INDEX ${name} on existing table ${table} without CONCURRENTLY`,
    });
  }
  if (phase === 'contract')
    findings.push({ rule: 'mixed-phases', message: `CREATE INDEX ${name} in a contract file` });
  if (!transaction && !index.if_not_exists) {
    findings.push({
      rule: 'not-idempotent',
      message: `CREATE INDEX ${name} without IF NOT EXISTS fails when run again`,
    });
  }
  return findings;
}

function dropFindings(drop: DropStmt, context: FileContext): Finding[] {
  const { phase, transaction } = context.header;
  const what = drop.removeType?.replace('OBJECT_', '').toLowerCase() ?? 'object';
  const findings: Finding[] = [];
  if (drop.removeType === 'OBJECT_INDEX') {
    if (drop.concurrent && transaction) {
      findings.push({
        rule: 'concurrently-in-transaction',
        message: 'DROP INDEX CONCURRENTLY in a transactional file',
      });
    }
    if (!drop.concurrent)
      findings.push({
        rule: 'drop-index-not-concurrent',
        message: 'DROP INDEX without CONCURRENTLY',
      });
  }
  if (drop.removeType && DESTRUCTIVE_DROPS.has(drop.removeType)) {
    findings.push({
      rule: 'destructive-outside-contract',
      message: `DROP ${what.toUpperCase()}`,
      permitted: phase === 'contract',
    });
  }
  if (!transaction && !drop.missing_ok) {
    findings.push({
      rule: 'not-idempotent',
      message: `DROP ${what.toUpperCase()} without IF EXISTS`,
    });
  }
  return findings;
}

function createTableFindings(create: CreateStmt, context: FileContext): Finding[] {
  const elements = create.tableElts ?? [];
  const tableKeys = new Set(
    elements.flatMap((node) =>
      'Constraint' in node && node.Constraint.contype === 'CONSTR_PRIMARY'
        ? strings(node.Constraint.keys)
        : [],
    ),
  );
  const findings = elements.flatMap((node) =>
    'ColumnDef' in node ? columnTypeFindings(node.ColumnDef, tableKeys) : [],
  );
  if (context.header.phase === 'contract') {
    findings.push({
      rule: 'mixed-phases',
      message: `CREATE TABLE ${create.relation?.relname} in a contract file`,
    });
  }
  if (!context.header.transaction && !create.if_not_exists) {
    findings.push({ rule: 'not-idempotent', message: 'CREATE TABLE without IF NOT EXISTS' });
  }
  if (create.relation?.relname) context.createdTables.add(create.relation.relname);
  return findings;
}

function setFindings(set: VariableSetStmt, context: FileContext): Finding[] {
  const what = set.kind?.startsWith('VAR_RESET') ? `RESET ${set.name ?? 'ALL'}` : `SET ${set.name}`;
  if (!set.is_local) {
    return [
      { rule: 'session-set', message: `${what} lasts for the whole session, past this file` },
    ];
  }
  if (!context.header.transaction) {
    return [
      { rule: 'session-set', message: `SET LOCAL ${set.name} has no transaction to live in here` },
    ];
  }
  return [];
}

function reindexFindings(reindex: ReindexStmt, context: FileContext): Finding[] {
  const concurrently = (reindex.params ?? []).some(
    (node) => 'DefElem' in node && node.DefElem.defname === 'concurrently',
  );
  if (!concurrently)
    return [{ rule: 'reindex-not-concurrent', message: 'REINDEX without CONCURRENTLY' }];
  if (context.header.transaction) {
    return [
      {
        rule: 'concurrently-in-transaction',
        message: 'REINDEX CONCURRENTLY in a transactional file',
      },
    ];
  }
  return [];
}

function renameFindings(rename: RenameStmt, context: FileContext): Finding[] {
  if (rename.renameType !== 'OBJECT_COLUMN' && rename.renameType !== 'OBJECT_TABLE') return [];
  if (!isExisting(rename.relation, context)) return [];
  const what =
    rename.renameType === 'OBJECT_COLUMN'
      ? `column ${rename.relation?.relname}.${rename.subname}`
      : `table ${rename.relation?.relname}`;
  return [{ rule: 'rename', message: `RENAME of ${what} to ${rename.newname}` }];
}

/** Statements a no-transaction file may hold without an IF [NOT] EXISTS of their own. */
const RERUNNABLE = new Set(['ReindexStmt', 'SelectStmt', 'VacuumStmt', 'AlterTableStmt']);

/** The findings for one statement; updates `context` for the statements after it. */
export function checkStatement(statement: Statement, context: FileContext): Finding[] {
  const { node } = statement;
  const { phase, transaction } = context.header;
  if ('TransactionStmt' in node) {
    return [
      {
        rule: 'transaction-control',
        message: `${statement.text.split(/\s/)[0]?.toUpperCase()} in a migration file`,
      },
    ];
  }
  if ('VariableSetStmt' in node) return setFindings(node.VariableSetStmt, context);
  if ('IndexStmt' in node) return indexFindings(node.IndexStmt, context);
  if ('DropStmt' in node) return dropFindings(node.DropStmt, context);
  if ('CreateStmt' in node) return createTableFindings(node.CreateStmt, context);
  if ('ReindexStmt' in node) return reindexFindings(node.ReindexStmt, context);
  if ('RenameStmt' in node) return renameFindings(node.RenameStmt, context);
  if ('TruncateStmt' in node) {
    return [
      {
        rule: 'destructive-outside-contract',
        message: 'TRUNCATE',
        permitted: phase === 'contract',
      },
    ];
  }
  if ('AlterTableStmt' in node) {
    const alter = node.AlterTableStmt;
    return (alter.cmds ?? []).flatMap((cmd) =>
      'AlterTableCmd' in cmd ? alterTableCommand(cmd.AlterTableCmd, alter.relation, context) : [],
    );
  }
  if (('UpdateStmt' in node || 'DeleteStmt' in node) && phase !== 'backfill') {
    const verb = 'UpdateStmt' in node ? 'UPDATE' : 'DELETE';
    return [
      {
        rule: 'dml-outside-backfill',
        message: `${verb} in a${phase === 'expand' ? 'n' : ''} ${phase} file`,
      },
    ];
  }
  if (!transaction) {
    const type = Object.keys(node)[0] ?? '';
    const replaces = 'CreateFunctionStmt' in node && node.CreateFunctionStmt.replace;
    if (!RERUNNABLE.has(type) && !replaces) {
      return [
        { rule: 'not-idempotent', message: `${type} cannot be shown to be safe to run twice` },
      ];
    }
  }
  return [];
}
