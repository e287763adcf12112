// Checks of column definitions (CREATE TABLE, ADD COLUMN, ALTER COLUMN TYPE): types, and what
// adding a column to a table with rows costs.
import type { ColumnDef, Constraint } from 'libpg-query';
import type { Phase } from '../header.ts';
import type { Finding } from './finding.ts';
import { calledFunctions, strings } from './tree.ts';

/** Functions whose value differs per row: as a column default they force a table rewrite. */
const VOLATILE_FUNCTIONS = new Set([
  'random',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'clock_timestamp',
  'timeofday',
  'nextval',
]);

const SERIAL_TYPES = new Set([
  'serial',
  'serial2',
  'serial4',
  'serial8',
  'smallserial',
  'bigserial',
]);

function constraintsOf(column: ColumnDef): Constraint[] {
  return (column.constraints ?? []).flatMap((node) =>
    'Constraint' in node ? [node.Constraint] : [],
  );
}

function typeName(column: ColumnDef): string {
  return strings(column.typeName?.names).at(-1) ?? '';
}

/** json, serial, integer keys, timestamp without zone, char(n). */
export function columnTypeFindings(column: ColumnDef, primaryKeys: ReadonlySet<string>): Finding[] {
  const name = column.colname ?? '(column)';
  const type = typeName(column);
  const kinds = new Set(constraintsOf(column).map((constraint) => constraint.contype));
  const isKey =
    kinds.has('CONSTR_PRIMARY') || kinds.has('CONSTR_IDENTITY') || primaryKeys.has(name);
  const findings: Finding[] = [];
  const add = (message: string) => findings.push({ rule: 'column-type', message });
  if (type === 'json') add(`column ${name} is json: use jsonb`);
  if (SERIAL_TYPES.has(type))
    add(`column ${name} is ${type}: use bigint GENERATED ALWAYS AS IDENTITY`);
  if ((type === 'int4' || type === 'int2') && isKey)
    add(`key column ${name} is ${type === 'int4' ? 'integer' : 'smallint'}: use bigint`);
  if (type === 'timestamp') add(`column ${name} is timestamp without time zone: use timestamptz`);
  if (type === 'bpchar') add(`column ${name} is char(n): use text`);
  return findings;
}

export function addColumnFindings(column: ColumnDef, existing: boolean, phase: Phase): Finding[] {
  const name = column.colname ?? '(column)';
  const findings = columnTypeFindings(column, new Set());
  if (!existing) return findings;
  const constraints = constraintsOf(column);
  const kinds = new Set(constraints.map((constraint) => constraint.contype));
  const defaults = constraints.filter((constraint) => constraint.contype === 'CONSTR_DEFAULT');
  if (kinds.has('CONSTR_NOTNULL') && defaults.length === 0 && !kinds.has('CONSTR_IDENTITY')) {
    findings.push({
      rule: 'add-column-not-null',
      message: `ADD COLUMN ${name} NOT NULL without a default`,
    });
  }
  const volatile = defaults.flatMap((constraint) =>
    calledFunctions(constraint.raw_expr).filter((fn) => VOLATILE_FUNCTIONS.has(fn)),
  );
  const rewrite = volatile.length
    ? `a volatile default (${volatile.join(', ')})`
    : kinds.has('CONSTR_GENERATED')
      ? 'GENERATED … STORED'
      : kinds.has('CONSTR_IDENTITY')
        ? 'an identity'
        : SERIAL_TYPES.has(typeName(column))
          ? `type ${typeName(column)} (a sequence default)`
          : undefined;
  if (rewrite) {
    findings.push({
      rule: 'add-column-volatile-default',
      message: `ADD COLUMN ${name} with ${rewrite} rewrites the table`,
    });
  }
  if (kinds.has('CONSTR_FOREIGN')) {
    findings.push({
      rule: 'constraint-not-valid',
      message: `ADD COLUMN ${name} … REFERENCES validates at once`,
    });
  }
  if (phase === 'contract') {
    findings.push({ rule: 'mixed-phases', message: `ADD COLUMN ${name} in a contract file` });
  }
  return findings;
}
