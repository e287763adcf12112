// How the migration command (app/db/migrate/cli.ts) runs each file, backfill and gate.
import { type ConfigOf, DAY_MS, integer, variables } from './variable.ts';

export const migrations = variables({
  MIGRATION_LOCK_TIMEOUT_MS: {
    schema: integer(10, 600_000),
    default: '2000',
    doc: '`lock_timeout` of each migration file, no-transaction statement and backfill batch: DDL queued behind a lock blocks every query behind it, so it gives up after this, rolls back and retries.',
  },
  MIGRATION_STATEMENT_TIMEOUT_MS: {
    schema: integer(100, DAY_MS),
    default: '30000',
    doc: '`statement_timeout` of each migration file, no-transaction statement and backfill batch.',
  },
  MIGRATION_LOCK_RETRIES: {
    schema: integer(0, 1_000),
    default: '8',
    doc: 'Retries, with jittered exponential backoff, after a migration gave up on a lock (SQLSTATE 55P03).',
  },
  MIGRATION_DATABASE_WAIT_MS: {
    schema: integer(0, DAY_MS),
    default: '120000',
    doc: "How long the migration command waits, retrying with a logged backoff, for a database that refuses connections or is starting (the in-chart PostgreSQL starts beside the first install's Job); a wrong password fails at once.",
  },
  BACKFILL_BATCH_SIZE: {
    schema: integer(1, 1_000_000),
    default: '1000',
    doc: 'Rows per backfill batch (one short transaction each), unless the file says `batch=`.',
  },
  BACKFILL_PAUSE_MS: {
    schema: integer(0, 60_000),
    default: '25',
    doc: 'Pause between backfill batches, so replication, vacuum and the app keep up.',
  },
  CONTRACT_GATE_WINDOW_MS: {
    schema: integer(1_000, DAY_MS),
    default: '60000',
    doc: '`npm run migrate -- contract` refuses while an instance of an older release sent a heartbeat within this window (and has not said it stopped). At least 3 × `HEARTBEAT_INTERVAL_MS`.',
  },
});

export type MigrationsConfig = ConfigOf<typeof migrations>;
