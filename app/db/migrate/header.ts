// The phase header: the first line of every migration file says when it may run.
//
//   -- migrate: expand
//   -- migrate: expand no-transaction
//   -- migrate: backfill table=users key=id [batch=500]
//   -- migrate: contract after=0.4.0
//
// `expand` runs before the new release's instances start and must keep the previous release
// working; `backfill` rewrites existing rows in batches (its body is one UPDATE over the key
// range `$1 < key <= $2`); `contract` removes what the previous release still used, so it runs
// only once no instance older than `after` is alive. `no-transaction` runs the file statement
// by statement (needed by CONCURRENTLY). One line, so `grep '^-- migrate: contract'` finds them.
import { isRelease } from './release.ts';

const PHASES = ['expand', 'backfill', 'contract'] as const;
export type Phase = (typeof PHASES)[number];

interface BackfillTarget {
  /** The table the batches page through, optionally schema-qualified. */
  table: string;
  /** Its integer primary key column: batches are key ranges. */
  key: string;
  /** Rows per batch; the runner's default when absent. */
  batchSize: number | undefined;
}

export interface MigrationHeader {
  phase: Phase;
  /** False for `no-transaction` files, which run statement by statement. */
  transaction: boolean;
  /** Contract files: the oldest release that no longer needs what the file removes. */
  after: string | undefined;
  /** Backfill files: what to page through. */
  backfill: BackfillTarget | undefined;
}

const HEADER_PREFIX = '-- migrate:';
const HEADER_EXAMPLE = '-- migrate: expand | backfill table=<t> key=<k> | contract after=<release>';

const IDENTIFIER = /^[a-z_][a-z0-9_$]*(?:\.[a-z_][a-z0-9_$]*)?$/;

/** The header of a file's text, or a sentence saying what is wrong with it. */
export function parseHeader(text: string): MigrationHeader | string {
  const firstLine = text.split('\n', 1)[0]?.trimEnd() ?? '';
  if (!firstLine.startsWith(HEADER_PREFIX)) {
    return `the first line must be a phase header such as "${HEADER_EXAMPLE}"`;
  }
  const [phase, ...words] = firstLine.slice(HEADER_PREFIX.length).trim().split(/\s+/);
  if (!PHASES.includes(phase as Phase)) {
    return `unknown phase "${phase ?? ''}": expected one of ${PHASES.join(', ')}`;
  }
  const options = new Map<string, string>();
  let transaction = true;
  for (const word of words) {
    if (word === 'no-transaction') {
      transaction = false;
      continue;
    }
    const [key, value, extra] = word.split('=');
    if (!key || value === undefined || value === '' || extra !== undefined)
      return `cannot read "${word}": expected no-transaction or key=value`;
    if (options.has(key)) return `"${key}" is given twice`;
    options.set(key, value);
  }
  const allowed: Record<Phase, string[]> = {
    expand: [],
    backfill: ['table', 'key', 'batch'],
    contract: ['after'],
  };
  for (const key of options.keys()) {
    if (!allowed[phase as Phase].includes(key))
      return `"${key}=" does not belong in a ${phase} header`;
  }
  const header: MigrationHeader = {
    phase: phase as Phase,
    transaction,
    after: undefined,
    backfill: undefined,
  };
  if (phase === 'contract') {
    const after = options.get('after');
    if (!after)
      return 'a contract header needs after=<release>: the oldest release that no longer needs what it removes';
    if (!isRelease(after)) return `after=${after} is not a semantic version such as 1.4.0`;
    header.after = after;
  }
  if (phase === 'backfill') {
    if (!transaction)
      return 'a backfill runs one short transaction per batch; no-transaction does not apply';
    const table = options.get('table');
    const key = options.get('key');
    if (!table || !key)
      return 'a backfill header needs table=<table> and key=<integer primary key column>';
    if (!IDENTIFIER.test(table)) return `table=${table} is not a plain lower-case table name`;
    if (!IDENTIFIER.test(key) || key.includes('.'))
      return `key=${key} is not a plain lower-case column name`;
    const batch = options.get('batch');
    if (batch !== undefined && !/^[1-9]\d{0,6}$/.test(batch))
      return `batch=${batch} is not a whole number from 1 to 9999999`;
    header.backfill = { table, key, batchSize: batch === undefined ? undefined : Number(batch) };
  }
  return header;
}
