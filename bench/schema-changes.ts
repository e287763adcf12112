// `npm run bench:schema-changes`: the worked example (users.name → first_name + last_name) on
// BENCH_ROWS users (default 1,000,000) written by release 0.1.0, with the runner's defaults
// (lock_timeout 2 s, batches of 1,000, 25 ms pause). While each migration runs, the code of the
// release serving at that moment keeps reading and writing: 4 readers (a user by id, 5 ms
// apart) and 2 writers (an insert and a rename, 20 ms apart), every operation timed. Prints per migration
// its duration and the longest and 99th-percentile wait readers and writers saw, against a
// baseline of the same traffic with no migration running; and the backfill's rows/s.
// Against DATABASE_URL's server when set, else an embedded PostgreSQL. Not part of CI.

import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { MIGRATIONS_DIR, readMigrationFiles } from '../app/db/migrate/files.ts';
import { migrate } from '../app/db/migrate/runner.ts';
import { openPostgres } from '../app/db/postgres.ts';
import * as schema from '../app/db/schema.ts';
import { createLogger } from '../app/telemetry/logger.ts';
import {
  type ReleaseCode,
  releaseR0,
  releaseR1,
  releaseR3,
} from '../test/schema-evolution/releases.ts';
import { createScratchDatabase } from './support/scratch-database.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const READERS = 4;
const WRITERS = 2;
// Think time between one client's operations: steady traffic that leaves the 2 cores room,
// as a service's would, instead of a closed loop that starves everything else.
const READ_PAUSE_MS = 5;
const WRITE_PAUSE_MS = 20;
/** Numbers the writers' users across every step, so their emails stay unique. */
let serial = 0;

interface Waits {
  reads: number[];
  writes: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function summary(values: number[]): { ops: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { ops: values.length, p99: Math.round(at(0.99)), max: Math.round(sorted.at(-1) ?? 0) };
}

/** Runs `release`'s reads and writes until `work` is done; returns every operation's duration. */
async function underTraffic(release: ReleaseCode, maxId: number, work: () => Promise<unknown>) {
  const waits: Waits = { reads: [], writes: [] };
  let running = true;
  const timed = async (into: number[], operation: () => Promise<unknown>) => {
    const started = performance.now();
    await operation();
    into.push(performance.now() - started);
  };
  const readers = Array.from({ length: READERS }, async () => {
    while (running) {
      await timed(waits.reads, () => release.find(1 + Math.floor(Math.random() * maxId)));
      await sleep(READ_PAUSE_MS);
    }
  });
  const writers = Array.from({ length: WRITERS }, async () => {
    while (running) {
      const n = serial++;
      await timed(waits.writes, () => release.insert(`Bench${n}  Writer`, `bench${n}@example.com`));
      await timed(waits.writes, () =>
        release.rename(1 + Math.floor(Math.random() * maxId), `Renamed${n} Bench`),
      );
      await sleep(WRITE_PAUSE_MS);
    }
  });
  const started = performance.now();
  try {
    await work();
  } finally {
    running = false;
    await Promise.all([...readers, ...writers]);
  }
  return { ms: Math.round(performance.now() - started), waits };
}

async function main() {
  const database = await createScratchDatabase('myapp_bench_schema');
  const sql = postgres(database.url, { max: READERS + WRITERS + 2, onnotice: () => {} });
  const orm = drizzle({ client: sql, schema });
  const db = openPostgres({
    url: database.url,
    poolMax: 1,
    connectTimeoutMs: 5_000,
    applicationName: 'myapp-migrate',
  });
  const session = await db.session();
  const files = await readMigrationFiles(MIGRATIONS_DIR);
  const logger = createLogger({ level: 'silent' });
  const upTo = (last: string) => files.filter((file) => file.name <= last);
  const [version] = await sql`select current_setting('server_version') as v`;

  try {
    await migrate({ session, files: upTo('0000_create_users.sql'), logger });
    let started = performance.now();
    await sql.unsafe(`
      insert into users (name, email)
      select case g % 4 when 0 then 'Solo' || g when 1 then 'First' || g || '  Middle   Last' || g
                        when 2 then 'Zoë' || g || ' Ångström' else '李' || g || ' 小龙' end,
             'user' || g || '@example.com'
        from generate_series(1, ${ROWS}) g`);
    await sql`vacuum analyze users`;
    const insertMs = Math.round(performance.now() - started);

    const rows: Record<string, unknown>[] = [];
    const record = (step: string, release: string, run: { ms: number; waits: Waits }) => {
      const reads = summary(run.waits.reads);
      const writes = summary(run.waits.writes);
      rows.push({
        step,
        'serving release': release,
        'duration ms': run.ms,
        reads: reads.ops,
        'read p99 ms': reads.p99,
        'read max ms': reads.max,
        writes: writes.ops,
        'write p99 ms': writes.p99,
        'write max ms': writes.max,
      });
    };

    record(
      'baseline (no migration)',
      '0.1.0',
      await underTraffic(releaseR0(orm), ROWS, () => sleep(3_000)),
    );
    record(
      '0001 expand',
      '0.1.0',
      await underTraffic(releaseR0(orm), ROWS, () =>
        migrate({ session, files: upTo('0001_users_name_split.sql'), logger, command: 'expand' }),
      ),
    );
    let backfillMs = 0;
    const backfill = await underTraffic(releaseR1(orm), ROWS, async () => {
      started = performance.now();
      await migrate({
        session,
        files: upTo('0002_users_name_split_backfill.sql'),
        logger,
        command: 'backfill',
      });
      backfillMs = performance.now() - started;
    });
    record('0002 backfill', '0.2.0', backfill);
    const [done] = await sql`select rows_done::bigint as n from schema_backfills`;
    record(
      'baseline (no migration)',
      '0.4.0',
      await underTraffic(releaseR3(orm), ROWS, () => sleep(3_000)),
    );
    record(
      '0003 contract',
      '0.4.0',
      await underTraffic(releaseR3(orm), ROWS, () =>
        migrate({ session, files: upTo('0003_users_drop_name.sql'), logger, command: 'contract' }),
      ),
    );

    process.stdout.write(
      `PostgreSQL ${version?.v}, ${ROWS.toLocaleString('en')} users inserted in ${insertMs} ms\n`,
    );
    const columns = Object.keys(rows[0] ?? {});
    const table = [
      `| ${columns.join(' | ')} |`,
      `| ${columns.map(() => '---').join(' | ')} |`,
      ...rows.map((row) => `| ${columns.map((column) => String(row[column])).join(' | ')} |`),
    ];
    process.stdout.write(`${table.join('\n')}\n`);
    const rowsDone = Number(done?.n ?? 0);
    process.stdout.write(
      `backfill: ${rowsDone.toLocaleString('en')} rows in ${Math.round(backfillMs)} ms = ${Math.round(rowsDone / (backfillMs / 1000)).toLocaleString('en')} rows/s (batches of 1,000, 25 ms pause, under the traffic above)\n`,
    );
  } finally {
    await session.release();
    await db.close();
    await sql.end();
    await database.drop();
  }
}

await main();
