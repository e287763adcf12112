// The CLI stopped by a real signal midway, as `kubectl delete job` or a node drain stops the hook
// Job: it must cancel its statement on the server, roll back, release the advisory lock and exit
// 128 + the signal's number at once, leaving nothing the next run cannot go on from. The
// statements it is stopped in are really blocked: they wait for a lock the test's own
// connection holds, and the test keeps holding it until it has checked that the server stopped
// running them. (Without a handler Node dies on SIGTERM at once, or ignores it as a container's
// PID 1, and the server carries on with the abandoned statement either way.)
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EvolvingDatabase, evolvingDatabase } from '../../../test/schema-evolution/support.ts';
import { messages, runCli, startCli } from '../../../test/support/migrate-cli.ts';
import type { ProcessResult } from '../../run-process.ts';
import { MIGRATION_LOCK_KEY } from './lock.ts';

const BACKFILL = '0002_users_name_split_backfill.sql';
/** Far beyond the test: whatever the CLI waits for, it would wait for it until stopped. */
const WAIT_FOREVER = {
  MIGRATION_LOCK_TIMEOUT_MS: '600000',
  MIGRATION_STATEMENT_TIMEOUT_MS: '600000',
};
/** Without a handler the CLI would run on for as long as its statement waits. */
const EXIT_WITHIN_MS = 10_000;

type Cli = ReturnType<typeof startCli>;

/** The server pid of the CLI's session once its statement waits for a lock. */
async function blockedBackend(sql: postgres.Sql, cli: Cli): Promise<number> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
    if (cli.child.exitCode !== null || cli.child.signalCode !== null)
      throw new Error(`the CLI exited early: ${JSON.stringify(await cli.done)}`);
    const [row] = await sql<{ pid: number }[]>`
      select pid from pg_stat_activity
       where datname = current_database() and application_name = 'myapp-migrate'
         and wait_event_type = 'Lock'`;
    if (row) return row.pid;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the CLI never waited for the lock the test holds');
}

/** Sends `signal` and waits for the exit; SIGKILLs the CLI if it is still running after that. */
async function stop(cli: Cli, signal: NodeJS.Signals): Promise<ProcessResult> {
  cli.child.kill(signal);
  const kill = setTimeout(() => cli.child.kill('SIGKILL'), EXIT_WITHIN_MS);
  try {
    return await cli.done;
  } finally {
    clearTimeout(kill);
  }
}

async function backendExists(sql: postgres.Sql, pid: number): Promise<boolean> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity where pid = ${pid}`;
  return row?.n !== 0;
}

/** Sessions holding the runner's advisory lock (see lock.ts for how the key is split). */
async function lockHolders(sql: postgres.Sql): Promise<number[]> {
  const rows = await sql<{ pid: number }[]>`
    select pid from pg_locks
     where locktype = 'advisory' and granted and objsubid = 1
       and database = (select oid from pg_database where datname = current_database())
       and classid = (${MIGRATION_LOCK_KEY}::bigint >> 32)::oid
       and objid = (${MIGRATION_LOCK_KEY}::bigint & 4294967295)::oid`;
  return rows.map((row) => row.pid);
}

async function appliedNames(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`select name from schema_migrations order by name`;
  return rows.map((row) => row.name);
}

/** Runs `work` while the test's own transaction holds the locks `lock` takes. */
async function holding<T>(
  sql: postgres.Sql,
  lock: (tx: postgres.ReservedSql) => Promise<unknown>,
  work: () => Promise<T>,
): Promise<T> {
  const tx = await sql.reserve();
  try {
    await tx`begin`;
    await lock(tx);
    return await work();
  } finally {
    await tx`rollback`;
    tx.release();
  }
}

describe('migrate CLI stopped by a signal during expand', () => {
  let db: EvolvingDatabase;
  beforeAll(async () => {
    db = await evolvingDatabase();
    await db.migrate('expand', '0001_users_name_split.sql');
  });
  afterAll(async () => {
    await db?.close();
  });

  it('cancels the blocked statement on SIGTERM, rolls its file back, frees the lock and exits 143', async () => {
    // A relation named like 0004's index, created by an open transaction: 0004 creates its
    // table, then its CREATE UNIQUE INDEX waits for that transaction (names are unique).
    const lock = (tx: postgres.ReservedSql) => tx`create table products_sku_key (id int)`;
    await holding(db.sql, lock, async () => {
      const cli = startCli(['expand'], { DATABASE_URL: db.url, ...WAIT_FOREVER });
      const pid = await blockedBackend(db.sql, cli);
      const run = await stop(cli, 'SIGTERM');

      expect(run.code).toBe(143);
      expect(messages(run).filter((line) => line.event === 'migrate.interrupted')).toEqual([
        expect.objectContaining({
          level: 'warn',
          signal: 'SIGTERM',
          command: 'expand',
          migration: '0004_products.sql',
          applied: [],
          exitCode: 143,
          cause: expect.stringContaining('canceling statement due to user request'),
        }),
      ]);
      // Gone from the server while the lock it waited for is still held: cancelled, not left
      // to run on after the client went away.
      await expect.poll(() => backendExists(db.sql, pid), { timeout: 5_000 }).toBe(false);
      expect(await lockHolders(db.sql)).toEqual([]);
    });

    const [table] = await db.sql`select to_regclass('public.products') as oid`;
    expect(table?.oid).toBeNull(); // 0004's CREATE TABLE ran before the wait: rolled back
    expect(await appliedNames(db.sql)).toEqual([
      '0000_create_users.sql',
      '0001_users_name_split.sql',
    ]);

    const again = await runCli(['expand'], { DATABASE_URL: db.url });
    expect(again.code).toBe(0);
    expect(messages(again)).toContainEqual(
      expect.objectContaining({ msg: 'applied 1 migration(s)', applied: ['0004_products.sql'] }),
    );
  });
});

describe('migrate CLI stopped by a signal during a backfill', () => {
  let db: EvolvingDatabase;
  beforeAll(async () => {
    db = await evolvingDatabase();
    // Thirty rows written before the expand, so without first and last names: three batches.
    await db.migrate('expand', '0000_create_users.sql');
    await db.sql`
      insert into users (name, email)
      select 'First' || g || ' Last' || g, 'user' || g || '@example.com'
        from generate_series(1, 30) g`;
    await db.migrate('expand', '0001_users_name_split.sql');
  });
  afterAll(async () => {
    await db?.close();
  });

  const env = () => ({ DATABASE_URL: db.url, BACKFILL_BATCH_SIZE: '10', ...WAIT_FOREVER });

  async function checkpoint() {
    const [row] = await db.sql<{ last_key: string | null; rows_done: number; done: boolean }[]>`
      select last_key::text, rows_done::int, completed_at is not null as done
        from schema_backfills where name = ${BACKFILL}`;
    return row;
  }

  async function filledIds(): Promise<number[]> {
    const rows = await db.sql<{ id: number }[]>`
      select id::int from users where first_name is not null order by id`;
    return rows.map((row) => row.id);
  }

  const ids = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, index) => from + index);

  it('stops between batches on SIGTERM: no next batch, the checkpoint at the last commit', async () => {
    // A pause longer than the test after each batch: the signal comes during it.
    const cli = startCli(['backfill'], { ...env(), BACKFILL_PAUSE_MS: '60000' });
    await expect
      .poll(async () => (await checkpoint())?.last_key ?? null, { timeout: 20_000 })
      .toBe('10');
    const run = await stop(cli, 'SIGTERM');

    expect(run.code).toBe(143);
    expect(messages(run)).toContainEqual(
      expect.objectContaining({
        event: 'migrate.interrupted',
        command: 'backfill',
        migration: BACKFILL,
        exitCode: 143,
      }),
    );
    expect(await checkpoint()).toEqual({ last_key: '10', rows_done: 10, done: false });
    expect(await filledIds()).toEqual(ids(1, 10));
    expect(await appliedNames(db.sql)).not.toContain(BACKFILL);
    expect(await lockHolders(db.sql)).toEqual([]);
  });

  it('cancels a batch waiting for a row lock on SIGINT: it rolls back with its checkpoint, exit 130', async () => {
    // Resumes after 10, does 11..20, then the batch 21..30 waits for row 25.
    const lock = (tx: postgres.ReservedSql) => tx`select id from users where id = 25 for update`;
    await holding(db.sql, lock, async () => {
      const cli = startCli(['backfill'], { ...env(), BACKFILL_PAUSE_MS: '0' });
      const pid = await blockedBackend(db.sql, cli);
      const run = await stop(cli, 'SIGINT');

      expect(run.code).toBe(130);
      expect(messages(run)).toContainEqual(
        expect.objectContaining({ event: 'migrate.interrupted', signal: 'SIGINT', exitCode: 130 }),
      );
      await expect.poll(() => backendExists(db.sql, pid), { timeout: 5_000 }).toBe(false);
      expect(await lockHolders(db.sql)).toEqual([]);
    });
    expect(await checkpoint()).toEqual({ last_key: '20', rows_done: 20, done: false });
    expect(await filledIds()).toEqual(ids(1, 20)); // 21..24 were updated before the wait: undone
  });

  it('resumes after the checkpoint and completes the backfill', async () => {
    const run = await runCli(['backfill'], { ...env(), BACKFILL_PAUSE_MS: '0' });
    expect(run.code).toBe(0);
    expect(messages(run)).toContainEqual(
      expect.objectContaining({
        msg: 'resuming backfill after its checkpoint',
        resumeAfterKey: '20',
      }),
    );
    expect(messages(run)).toContainEqual(
      expect.objectContaining({ msg: 'backfill complete', rows: 10, rowsTotal: 30 }),
    );
    expect(await checkpoint()).toEqual({ last_key: '30', rows_done: 30, done: true });
    expect(await filledIds()).toEqual(ids(1, 30));
    expect(await appliedNames(db.sql)).toContain(BACKFILL);
  });
});
