// The rules of the migration linter: what each one catches and the safe form to use instead
// (the statement table of docs/migrations.md). One entry per rule: the messages, the docs and
// the fixture test (every rule has a failing and a passing fixture) all come from here.

export const RULES = {
  'phase-header': {
    catches: 'a file without a valid phase header on its first line',
    safe: 'start the file with "-- migrate: expand", "-- migrate: backfill table=<t> key=<k>" or "-- migrate: contract after=<release>"',
  },
  syntax: {
    catches: 'SQL that PostgreSQL cannot parse',
    safe: 'fix the statement; the linter parses with PostgreSQL’s own grammar',
  },
  'transaction-control': {
    catches: 'BEGIN, COMMIT, ROLLBACK or SAVEPOINT in a file',
    safe: 'leave transactions to the runner: one per file, or none with "no-transaction" in the header',
  },
  'session-set': {
    catches:
      'a session-level SET or RESET (it outlives the file), or SET LOCAL in a no-transaction file (it does nothing there)',
    safe: 'SET LOCAL inside a transactional file; the runner already sets lock_timeout and statement_timeout per file (MIGRATION_LOCK_TIMEOUT_MS, MIGRATION_STATEMENT_TIMEOUT_MS)',
  },
  'concurrently-in-transaction': {
    catches: 'CONCURRENTLY in a transactional file, where PostgreSQL refuses it',
    safe: 'put the statement in a file whose header says "no-transaction"',
  },
  'index-not-concurrent': {
    catches:
      'CREATE INDEX on an existing table without CONCURRENTLY: writes to the table stop until the index is built',
    safe: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS …, in an expand file marked no-transaction',
  },
  'drop-index-not-concurrent': {
    catches:
      'DROP INDEX without CONCURRENTLY: it waits for and then blocks every query on the table',
    safe: 'DROP INDEX CONCURRENTLY IF EXISTS …, in a contract file marked no-transaction',
  },
  'reindex-not-concurrent': {
    catches: 'REINDEX without CONCURRENTLY: writes stop while it rebuilds',
    safe: 'REINDEX … CONCURRENTLY, alone in a no-transaction file',
  },
  'detach-partition-not-concurrent': {
    catches: 'DETACH PARTITION without CONCURRENTLY: an ACCESS EXCLUSIVE lock on the parent',
    safe: 'ALTER TABLE … DETACH PARTITION … CONCURRENTLY, alone in a no-transaction file',
  },
  'not-idempotent': {
    catches:
      'a statement in a no-transaction file that fails when run twice: after a failure the whole file runs again',
    safe: 'IF [NOT] EXISTS on every statement of a no-transaction file',
  },
  'unique-constraint': {
    catches:
      'ADD UNIQUE or ADD PRIMARY KEY on an existing table: builds the index under an ACCESS EXCLUSIVE lock',
    safe: 'CREATE UNIQUE INDEX CONCURRENTLY in a no-transaction file, then ADD CONSTRAINT … UNIQUE USING INDEX in a later one',
  },
  'constraint-not-valid': {
    catches:
      'ADD FOREIGN KEY or CHECK on an existing table without NOT VALID: every row is checked under a lock that blocks writes',
    safe: 'ADD CONSTRAINT … NOT VALID now, VALIDATE CONSTRAINT in a later file',
  },
  'validate-same-file': {
    catches:
      'VALIDATE CONSTRAINT in the same file as the NOT VALID that added it: both share one lock window',
    safe: 'VALIDATE CONSTRAINT in a later file',
  },
  'set-not-null': {
    catches:
      'SET NOT NULL on an existing column: a full scan under an ACCESS EXCLUSIVE lock, unless a validated CHECK already proves it',
    safe: 'CHECK (col IS NOT NULL) NOT VALID → backfill → VALIDATE CONSTRAINT → SET NOT NULL (no scan then) → DROP CONSTRAINT; acknowledge the SET NOT NULL once the validated CHECK exists',
  },
  'add-column-not-null': {
    catches:
      'ADD COLUMN … NOT NULL without a default: fails on a table with rows, and breaks inserts of the running release',
    safe: 'add the column nullable (or with a constant default), backfill, then make it NOT NULL through a validated CHECK',
  },
  'add-column-volatile-default': {
    catches:
      'ADD COLUMN with a volatile default, GENERATED … STORED, identity or serial: the whole table is rewritten under an ACCESS EXCLUSIVE lock',
    safe: 'a plain nullable column, a trigger for new rows, and a backfill file for old ones',
  },
  'set-data-type': {
    catches:
      'ALTER COLUMN … TYPE: usually rewrites the table under an ACCESS EXCLUSIVE lock, and breaks prepared statements of the running release',
    safe: 'a new column, written by both releases (trigger), backfilled, read by the next release, the old one dropped in a contract file',
  },
  rename: {
    catches: 'RENAME of a column or table: the running release still uses the old name',
    safe: 'rename in TypeScript only, or add the new column/table, sync, backfill, switch, and drop the old one in a contract file (docs/migrations.md)',
  },
  'destructive-outside-contract': {
    catches:
      'DROP TABLE, DROP COLUMN or TRUNCATE in an expand or backfill file: the running release still uses what it removes',
    safe: 'a contract file ("-- migrate: contract after=<release>"), which runs only once no older instance is alive',
  },
  'mixed-phases': {
    catches: 'a contract file that also adds tables, columns or indexes',
    safe: 'put additions in an expand file; a contract file only removes and tightens',
  },
  'drop-not-null': {
    catches: 'DROP NOT NULL: the running release may rely on the column never being null',
    safe: 'acknowledge it where it is a step of a rename (the worked example) and nothing reads the column as non-null',
  },
  'dml-outside-backfill': {
    catches:
      'UPDATE or DELETE in an expand or contract file: one long transaction over the whole table',
    safe: 'a backfill file ("-- migrate: backfill table=<t> key=<k>"), run in short batches by npm run migrate -- backfill',
  },
  'backfill-shape': {
    catches:
      'a backfill file that is not exactly one UPDATE of its table over the key range $1 < key <= $2',
    safe: 'UPDATE <table> SET … WHERE <key> > $1 AND <key> <= $2 AND <not yet done>',
  },
  'column-type': {
    catches: 'json, serial, integer keys, timestamp without time zone or char(n) in a new column',
    safe: 'jsonb; bigint … GENERATED ALWAYS AS IDENTITY; timestamptz; text',
  },
  'unused-acknowledgement': {
    catches: 'a "-- migrate:allow <rule>" comment that allows nothing, or gives no reason',
    safe: 'acknowledge only what the statement below triggers, with a reason after a colon',
  },
  squawk: {
    catches: 'what squawk, the second opinion, finds that the rules above did not already decide',
    safe: 'follow squawk’s help, or acknowledge with "-- migrate:allow squawk:<its rule>: <reason>"',
  },
} as const;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];
