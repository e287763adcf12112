// The runner against real PostgreSQL (and PGlite): bookkeeping, hashes, order, phases, one
// runner at a time, lock timeouts with retries, no-transaction files. Costs about 10 s, most of
// it the lock-contention and kill tests, which wait on purpose.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, openTestPostgres } from '../../../test/support/database.ts';
import { createLogger } from '../../telemetry/logger.ts';
import type { Database, SqlSession } from '../database.ts';
import { openPglite } from '../pglite.ts';
import { MIGRATIONS_DIR, readMigrationFiles } from './files.ts';
import {
  applyMigrations,
  MIGRATION_LOCK_KEY,
  MigrationError,
  migrate,
  missingMigrations,
} from './runner.ts';
import { migrationStatus } from './status.ts';

// Everything a test opens is closed here, connections before the databases they point at.
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A fresh PostgreSQL database of its own, with a reserved session on it. */
async function freshPostgres(applicationName = 'migrate-test') {
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  const db = connect(database.url, applicationName);
  const session = await db.session();
  cleanups.push(() => session.release());
  return { url: database.url, db, session };
}

function connect(url: string, applicationName = 'migrate-test'): Database {
  const db = openTestPostgres(url, applicationName, 1);
  cleanups.push(() => db.close());
  return db;
}

/** A plain postgres.js client, for the test's own observations and for holding locks. */
function observer(url: string, applicationName = 'migrate-test-observer') {
  const sql = postgres(url, {
    max: 1,
    onnotice: () => {},
    connection: { application_name: applicationName },
  });
  cleanups.push(() => sql.end());
  return sql;
}

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'myapp-migrations-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await write(dir, files);
  return dir;
}

async function write(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
}

const expand = (sql: string) => `-- migrate: expand\n${sql}\n`;

/** A real pino logger whose lines the test reads back. */
function capturingLogger() {
  const lines: { msg: string; [key: string]: unknown }[] = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}

const quiet = () => capturingLogger().logger;

async function tableExists(session: SqlSession, name: string): Promise<boolean> {
  const [row] = await session.query<{ exists: boolean }>(
    'select to_regclass($1) is not null as exists',
    [`public.${name}`],
  );
  return row?.exists === true;
}

async function recorded(session: SqlSession) {
  return session.query<{ name: string; hash: string; phase: string; duration_ms: number }>(
    'select name, hash, phase, duration_ms from schema_migrations order by name',
  );
}

describe('migrate on PostgreSQL', () => {
  it('applies the project migrations from zero, records them, and a re-run does nothing', async () => {
    const { session } = await freshPostgres();
    const files = await readMigrationFiles(MIGRATIONS_DIR);
    const names = files.map((file) => file.name);
    const needed = files.filter((f) => f.header.phase !== 'contract').map((f) => f.name);
    expect(names[0]).toBe('0000_create_users.sql');

    // Before the first run there is no bookkeeping table at all.
    expect(await missingMigrations(session, files)).toEqual(needed);
    expect(await migrationStatus(session, files)).toMatchObject({
      applied: [],
      pending: names,
      changed: [],
      unknown: [],
    });

    const { logger, lines } = capturingLogger();
    expect(await migrate({ session, files, logger, command: 'all' })).toEqual({
      applied: names,
      held: [],
    });

    expect(await tableExists(session, 'users')).toBe(true);
    const rows = await recorded(session);
    expect(rows.map((row) => [row.name, row.hash, row.phase])).toEqual(
      files.map((f) => [f.name, f.hash, f.header.phase]),
    );
    expect(lines.filter((line) => line.msg === 'migration applied')).toEqual(
      files
        .filter((file) => file.header.phase !== 'backfill')
        .map((file) =>
          expect.objectContaining({ migration: file.name, durationMs: expect.any(Number) }),
        ),
    );
    expect(await missingMigrations(session, files)).toEqual([]);
    const status = await migrationStatus(session, files);
    expect(status).toMatchObject({ applied: names, pending: [], changed: [], unknown: [] });
    expect(status.files.every((file) => file.state === 'applied')).toBe(true);

    for (const command of ['expand', 'backfill', 'contract', 'all'] as const) {
      expect(await migrate({ session, files, logger: quiet(), command })).toEqual({
        applied: [],
        held: [],
      });
    }
    expect(await recorded(session)).toEqual(rows);
  });

  it('keeps the hash of a file applied before phase headers existed', async () => {
    const { session } = await freshPostgres();
    // As the foundation's runner recorded 0000: sha256 of the whole file, no header yet.
    const [file] = await readMigrationFiles(MIGRATIONS_DIR);
    if (!file) throw new Error('no migrations');
    await session.exec(`create table schema_migrations (
      name text primary key, hash text not null,
      applied_at timestamptz not null default now(), duration_ms integer not null)`);
    const legacySql = file.sql.slice(file.sql.indexOf('\n') + 1);
    await session.query(
      'insert into schema_migrations (name, hash, duration_ms) values ($1, $2, 1)',
      [file.name, createHash('sha256').update(legacySql).digest('hex')],
    );
    // The new runner extends the old table and sees nothing edited.
    const result = await migrate({ session, files: [file], logger: quiet() });
    expect(result).toEqual({ applied: [], held: [] });
    const columns = await session.query<{ column_name: string }>(
      "select column_name from information_schema.columns where table_name = 'schema_migrations'",
    );
    expect(columns.map((c) => c.column_name)).toEqual(
      expect.arrayContaining(['phase', 'after_release', 'release', 'started_at']),
    );
  });

  it('refuses to run when an applied file was edited, and applies nothing else', async () => {
    const { session } = await freshPostgres();
    const dir = await folder({ '0001_a.sql': expand('create table a (id bigint);') });
    await migrate({ session, files: await readMigrationFiles(dir), logger: quiet() });

    await write(dir, {
      '0001_a.sql': expand('create table a (id bigint, extra text);'),
      '0002_b.sql': expand('create table b (id bigint);'),
    });
    const files = await readMigrationFiles(dir);
    const error = await migrate({ session, files, logger: quiet() }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).file).toBe('0001_a.sql');
    expect((error as Error).message).toMatch(/0001_a\.sql: applied with sha256 [0-9a-f]{64}/);
    expect(await tableExists(session, 'b')).toBe(false);
    expect((await recorded(session)).map((row) => row.name)).toEqual(['0001_a.sql']);
    expect(await migrationStatus(session, files)).toMatchObject({
      changed: ['0001_a.sql'],
      pending: ['0002_b.sql'],
    });
  });

  it('refuses a folder with a file that has no valid phase header, running nothing', async () => {
    const dir = await folder({
      '0001_a.sql': expand('create table a (id bigint);'),
      '0002_b.sql': 'create table b (id bigint);\n',
      '0003_c.sql': '-- migrate: contract\ndrop table a;\n',
    });
    const error = await readMigrationFiles(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain('0002_b.sql: the first line must be a phase header');
    expect((error as Error).message).toContain(
      '0003_c.sql: a contract header needs after=<release>',
    );
  });

  it('applies a file named before one already applied (merged later), not skipping it', async () => {
    const { session } = await freshPostgres();
    const dir = await folder({ '0002_b.sql': expand('create table b (id bigint);') });
    await migrate({ session, files: await readMigrationFiles(dir), logger: quiet() });

    await write(dir, { '0001_a.sql': expand('create table a (id bigint);') });
    const result = await migrate({
      session,
      files: await readMigrationFiles(dir),
      logger: quiet(),
    });

    expect(result).toEqual({ applied: ['0001_a.sql'], held: [] });
    expect(await tableExists(session, 'a')).toBe(true);
    expect((await recorded(session)).map((row) => row.name)).toEqual(['0001_a.sql', '0002_b.sql']);
  });

  it('runs each phase only on its own command, holding files that must wait', async () => {
    const { session } = await freshPostgres();
    const dir = await folder({
      '0001_t.sql': expand(
        'create table t (id bigint primary key, a text, b text);\ninsert into t select g, g::text from generate_series(1, 10) g;',
      ),
      '0002_fill.sql':
        '-- migrate: backfill table=t key=id batch=3\nupdate t set b = a where id > $1 and id <= $2 and b is null',
      '0003_more.sql': expand('alter table t add column c text;'),
      '0004_drop.sql': '-- migrate: contract after=1.0.0\nalter table t drop column a;\n',
    });
    const files = await readMigrationFiles(dir);
    const run = (command: 'expand' | 'backfill' | 'contract') =>
      migrate({ session, files, logger: quiet(), command, backfillPauseMs: 0 });

    expect((await run('backfill')).held).toEqual([
      expect.objectContaining({
        name: '0002_fill.sql',
        reasons: [expect.stringContaining('waits for expand 0001_t.sql')],
      }),
    ]);
    // Expand files only add: they never wait for a backfill.
    expect(await run('expand')).toEqual({ applied: ['0001_t.sql', '0003_more.sql'], held: [] });
    expect((await run('contract')).held).toEqual([
      expect.objectContaining({
        name: '0004_drop.sql',
        reasons: [expect.stringContaining('waits for backfill 0002_fill.sql')],
      }),
    ]);
    expect((await run('backfill')).applied).toEqual(['0002_fill.sql']);
    const [filled] = await session.query<{ n: string }>('select count(*) as n from t where b = a');
    expect(Number(filled?.n)).toBe(10);
    expect((await run('contract')).applied).toEqual(['0004_drop.sql']);
    expect(await missingMigrations(session, files)).toEqual([]);
  });

  it('rolls a failing file back completely and stops before the files after it', async () => {
    const { url, session } = await freshPostgres();
    const dir = await folder({
      '0001_a.sql': expand('create table a (id bigint);'),
      '0002_bad.sql': expand('create table bad (id bigint);\nselect * from does_not_exist;'),
      '0003_c.sql': expand('create table c (id bigint);'),
    });

    const error = await migrate({
      session,
      files: await readMigrationFiles(dir),
      logger: quiet(),
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).file).toBe('0002_bad.sql');
    expect((error as Error).message).toContain('relation "does_not_exist" does not exist');
    expect((error as Error).message).toContain('42P01');
    expect(await tableExists(session, 'a')).toBe(true);
    expect(await tableExists(session, 'bad')).toBe(false);
    expect(await tableExists(session, 'c')).toBe(false);
    expect((await recorded(session)).map((row) => row.name)).toEqual(['0001_a.sql']);

    // The session is clean afterwards: no open transaction, no leaked SET LOCAL, lock released.
    const [timeouts] = await session.query<{ lock: string; statement: string }>(
      "select current_setting('lock_timeout') as lock, current_setting('statement_timeout') as statement",
    );
    expect(timeouts).toEqual({ lock: '0', statement: '0' });
    const other = observer(url);
    const [row] = await other`select pg_try_advisory_lock(${MIGRATION_LOCK_KEY}::bigint) as locked`;
    expect(row?.locked).toBe(true);
    await other`select pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`;
  });

  it('gives up on a table lock after the lock timeout when no retries are left', async () => {
    const { url, session } = await freshPostgres();
    const dir = await folder({
      '0001_alter.sql': expand('alter table busy add column extra text;'),
    });
    const holder = await observer(url).reserve();
    await holder`create table busy (id bigint)`;
    await holder`begin`;
    await holder`lock table busy in access exclusive mode`;
    try {
      const error = await migrate({
        session,
        files: await readMigrationFiles(dir),
        logger: quiet(),
        ddlLockTimeoutMs: 100,
        lockRetries: 0,
      }).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /0001_alter\.sql.*gave up after 1 attempt\(s\).*lock timeout.*55P03/,
      );
    } finally {
      await holder`rollback`;
      holder.release();
    }
    expect(await missingMigrations(session, await readMigrationFiles(dir))).toEqual([
      '0001_alter.sql',
    ]);
  });

  it('retries DDL that hit lock_timeout until the lock is free; readers never wait much longer than lock_timeout', async () => {
    const { url, session } = await freshPostgres();
    const lockTimeoutMs = 200;
    const dir = await folder({
      '0001_alter.sql': expand('alter table busy add column extra text;'),
    });
    const setup = observer(url);
    await setup`create table busy (id bigint)`;
    await setup`insert into busy select generate_series(1, 100)`;
    // A long transaction that read the table: it holds ACCESS SHARE until it ends, so the ALTER
    // (ACCESS EXCLUSIVE) queues behind it, and plain SELECTs queue behind the ALTER.
    const holder = await observer(url, 'long-reader').reserve();
    await holder`begin`;
    await holder`select count(*) from busy`;

    const { logger, lines } = capturingLogger();
    const running = migrate({
      session,
      files: await readMigrationFiles(dir),
      logger,
      ddlLockTimeoutMs: lockTimeoutMs,
      lockRetries: 50,
      retryBaseDelayMs: 50,
    });
    // A third session reads all along and times every SELECT.
    const reader = observer(url, 'reader');
    const waits: number[] = [];
    let done = false;
    const reading = (async () => {
      while (!done) {
        const started = performance.now();
        await reader`select count(*) from busy`;
        waits.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    await vi.waitFor(
      () =>
        expect(
          lines.filter((line) => line.msg.startsWith('lock not available')).length,
        ).toBeGreaterThanOrEqual(2),
      { timeout: 15_000, interval: 20 },
    );
    await holder`commit`;
    holder.release();
    const result = await running;
    done = true;
    await reading;

    expect(result.applied).toEqual(['0001_alter.sql']);
    const columns =
      await setup`select column_name from information_schema.columns where table_name = 'busy'`;
    expect(columns.map((c) => c.column_name)).toContain('extra');
    const longest = Math.max(...waits);
    process.stdout.write(
      `lock contention: ${lines.filter((l) => l.msg.startsWith('lock not available')).length} retries, ${waits.length} SELECTs, longest wait ${Math.round(longest)} ms (lock_timeout ${lockTimeoutMs} ms)\n`,
    );
    // The bound the issue asks for, with room for a slow CI machine: a reader waits at most
    // about one lock_timeout behind the queued ALTER, never until the long transaction ends.
    expect(longest).toBeLessThan(lockTimeoutMs * 5);
  });

  it('cancels a statement that outlives the statement timeout', async () => {
    const { session } = await freshPostgres();
    const dir = await folder({ '0001_slow.sql': expand('select pg_sleep(10);') });
    const error = await migrate({
      session,
      files: await readMigrationFiles(dir),
      logger: quiet(),
      statementTimeoutMs: 100,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/0001_slow\.sql.*statement timeout.*57014/);
  });

  it('lets exactly one of three simultaneous runners apply; the others find nothing to do', async () => {
    const { url } = await freshPostgres();
    const files = await readMigrationFiles(MIGRATIONS_DIR);
    const sessions = await Promise.all([1, 2, 3].map(() => connect(url).session()));
    for (const session of sessions) cleanups.push(() => session.release());

    const results = await Promise.all(
      sessions.map((session) => migrate({ session, files, logger: quiet(), lockPollMs: 20 })),
    );

    const expandFiles = files.filter((f) => f.header.phase === 'expand').map((f) => f.name);
    expect(results.filter((result) => result.applied.length > 0)).toEqual([
      expect.objectContaining({ applied: expandFiles }),
    ]);
    expect(results.filter((result) => result.applied.length === 0)).toHaveLength(2);
    expect((await recorded(sessions[0] as SqlSession)).map((row) => row.name)).toEqual(expandFiles);
  });

  it('fails with a clear error naming the holder when the lock stays taken past the deadline', async () => {
    const { url, session } = await freshPostgres();
    const holder = await observer(url, 'stuck-migration-job').reserve();
    await holder`select pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`;
    try {
      const files = await readMigrationFiles(MIGRATIONS_DIR);
      const error = await migrate({
        session,
        files,
        logger: quiet(),
        lockTimeoutMs: 300,
        lockPollMs: 50,
      }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toMatch(
        /^Timed out after 300 ms waiting for the migration lock .*application_name stuck-migration-job/,
      );
      expect(await tableExists(session, 'users')).toBe(false);
      expect(await tableExists(session, 'schema_migrations')).toBe(false);
    } finally {
      await holder`select pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`;
      holder.release();
    }
  });
});

describe('no-transaction files on PostgreSQL', () => {
  it('runs statement by statement, so CREATE INDEX CONCURRENTLY works, and records the file', async () => {
    const { session } = await freshPostgres();
    const dir = await folder({
      '0001_t.sql': expand('create table t (id bigint, a text);'),
      '0002_idx.sql':
        '-- migrate: expand no-transaction\n' +
        'create index concurrently if not exists t_a_idx on t (a);\n' +
        'create index concurrently if not exists t_id_idx on t (id);\n',
    });
    const result = await migrate({
      session,
      files: await readMigrationFiles(dir),
      logger: quiet(),
    });
    expect(result.applied).toEqual(['0001_t.sql', '0002_idx.sql']);
    const indexes = await session.query<{ relname: string; valid: boolean }>(
      `select c.relname, i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
        where i.indrelid = 't'::regclass order by 1`,
    );
    expect(indexes).toEqual([
      { relname: 't_a_idx', valid: true },
      { relname: 't_id_idx', valid: true },
    ]);
    // The session-level timeouts were reset for whatever runs next on the connection.
    const [timeouts] = await session.query<{ lock: string }>(
      "select current_setting('lock_timeout') as lock",
    );
    expect(timeouts?.lock).toBe('0');
  });

  it('converges after the runner is killed in the middle of a no-transaction file', {
    timeout: 60_000,
  }, async () => {
    const { url, session } = await freshPostgres();
    const dir = await folder({
      '0001_t.sql': expand(
        'create table t (id bigint, a text);\ninsert into t select g, g::text from generate_series(1, 1000) g;',
      ),
      '0002_idx.sql':
        '-- migrate: expand no-transaction\n' +
        'create table if not exists side (id bigint);\n' +
        'create index concurrently if not exists t_a_idx on t (a);\n',
    });
    await migrate({ session, files: (await readMigrationFiles(dir)).slice(0, 1), logger: quiet() });

    // An open write transaction on t: the concurrent build must wait for it to end, with its
    // index already in the catalog, invalid.
    const holder = await observer(url, 'open-writer').reserve();
    await holder`begin`;
    await holder`insert into t values (0, 'x')`;

    const runner = join(import.meta.dirname, 'runner.ts');
    const files = join(import.meta.dirname, 'files.ts');
    const open = join(import.meta.dirname, '../postgres.ts');
    const telemetry = join(import.meta.dirname, '../../telemetry/logger.ts');
    const script = `
      import { migrate } from ${JSON.stringify(runner)};
      import { readMigrationFiles } from ${JSON.stringify(files)};
      import { openPostgres } from ${JSON.stringify(open)};
      import { createLogger } from ${JSON.stringify(telemetry)};
      const db = openPostgres({ url: process.env.URL, poolMax: 1, connectTimeoutMs: 5000, applicationName: 'doomed-runner' });
      const session = await db.session();
      await migrate({ session, files: await readMigrationFiles(process.env.DIR), logger: createLogger({ level: 'silent' }), ddlLockTimeoutMs: 60000 });
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', URL: url, DIR: dir },
      stdio: 'ignore',
    });
    const exited = once(child, 'exit');
    const watch = observer(url);
    await vi.waitFor(
      async () => {
        const [waiting] = await watch`
          select pid from pg_stat_activity
           where application_name = 'doomed-runner' and query ilike 'create index concurrently%'
             and wait_event_type = 'Lock'`;
        expect(waiting).toBeDefined();
        const [invalid] = await watch`
          select 1 from pg_index i join pg_class c on c.oid = i.indexrelid
           where c.relname = 't_a_idx' and not i.indisvalid`;
        expect(invalid).toBeDefined();
      },
      { timeout: 20_000, interval: 50 },
    );
    // The Job's pod is killed, and its connection with it.
    child.kill('SIGKILL');
    await exited;
    await watch`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'doomed-runner'`;
    await holder`rollback`;
    holder.release();
    await vi.waitFor(async () => {
      const [gone] =
        await watch`select count(*)::int as n from pg_stat_activity where application_name = 'doomed-runner'`;
      expect(gone?.n).toBe(0);
    });
    const [leftover] = await watch`
      select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
       where c.relname = 't_a_idx'`;
    expect(leftover?.valid).toBe(false);
    expect(await missingMigrations(session, await readMigrationFiles(dir))).toEqual([
      '0002_idx.sql',
    ]);

    const { logger, lines } = capturingLogger();
    const result = await migrate({ session, files: await readMigrationFiles(dir), logger });
    expect(result.applied).toEqual(['0002_idx.sql']);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'dropping an invalid index left by an earlier failed concurrent build',
        index: 'public.t_a_idx',
      }),
    );
    const [rebuilt] = await watch`
      select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
       where c.relname = 't_a_idx'`;
    expect(rebuilt?.valid).toBe(true);
    expect(await tableExists(session, 'side')).toBe(true);
  });
});

describe('migrate on PGlite', () => {
  async function freshPglite() {
    const db = await openPglite(undefined);
    cleanups.push(() => db.close());
    return db;
  }

  it('applies every phase of the project migrations at startup and a second start does nothing', async () => {
    const db = await freshPglite();
    const files = await readMigrationFiles(MIGRATIONS_DIR);
    const names = files.map((file) => file.name);
    const { logger } = capturingLogger();

    expect(await applyMigrations(db, logger)).toEqual({ applied: names, held: [] });
    expect(await applyMigrations(db, logger)).toEqual({ applied: [], held: [] });

    const session = await db.session();
    expect(await tableExists(session, 'users')).toBe(true);
    expect((await recorded(session)).map((row) => row.name)).toEqual(names);
    expect(await missingMigrations(session, files)).toEqual([]);
  });

  it('skips the heartbeat evidence of the contract gate: the database belongs to one process', async () => {
    const db = await freshPglite();
    const dir = await folder({
      '0001_t.sql': expand('create table t (id bigint, a text);'),
      '0002_drop.sql': '-- migrate: contract after=9.0.0\nalter table t drop column a;\n',
    });
    const session = await db.session();
    await applyMigrations(db, quiet(), dir);
    expect((await recorded(session)).map((row) => row.name)).toEqual([
      '0001_t.sql',
      '0002_drop.sql',
    ]);
  });

  it('rolls a failing file back and stops there', async () => {
    const db = await freshPglite();
    const dir = await folder({
      '0001_a.sql': expand('create table a (id bigint);'),
      '0002_bad.sql': expand('create table bad (id bigint);\nselect * from does_not_exist;'),
      '0003_c.sql': expand('create table c (id bigint);'),
    });

    await expect(applyMigrations(db, quiet(), dir)).rejects.toThrow(
      /0002_bad\.sql.*relation "does_not_exist" does not exist/,
    );

    const session = await db.session();
    expect(await tableExists(session, 'a')).toBe(true);
    expect(await tableExists(session, 'bad')).toBe(false);
    expect(await tableExists(session, 'c')).toBe(false);
    expect((await recorded(session)).map((row) => row.name)).toEqual(['0001_a.sql']);
  });
});
