import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../../../test/support/database.ts';
import { createLogger } from '../../telemetry/logger.ts';
import type { Database, SqlSession } from '../database.ts';
import { openPglite } from '../pglite.ts';
import { openPostgres } from '../postgres.ts';
import { MIGRATIONS_DIR, readMigrationFiles } from './files.ts';
import {
  applyMigrations,
  MIGRATION_LOCK_KEY,
  MigrationError,
  migrate,
  migrationStatus,
  missingMigrations,
} from './runner.ts';

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
  const db = openPostgres({ url, poolMax: 1, connectTimeoutMs: 5_000, applicationName });
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
  return session.query<{ name: string; hash: string; duration_ms: number; applied_at: Date }>(
    'select name, hash, duration_ms, applied_at from schema_migrations order by name',
  );
}

describe('migrate on PostgreSQL', () => {
  it('applies the project migrations from zero, records them, and a re-run does nothing', async () => {
    const { session } = await freshPostgres();
    const files = await readMigrationFiles(MIGRATIONS_DIR);
    expect(files.map((file) => file.name)).toContain('0000_create_users.sql');
    const names = files.map((file) => file.name);

    // Before the first run there is no bookkeeping table at all.
    expect(await missingMigrations(session, files)).toEqual(names);
    expect(await migrationStatus(session, files)).toEqual({
      applied: [],
      pending: names,
      changed: [],
      unknown: [],
    });

    const { logger, lines } = capturingLogger();
    expect(await migrate({ session, files, logger })).toEqual({ applied: names });

    expect(await tableExists(session, 'users')).toBe(true);
    const rows = await recorded(session);
    expect(rows.map((row) => [row.name, row.hash])).toEqual(files.map((f) => [f.name, f.hash]));
    expect(rows[0]?.duration_ms).toBeGreaterThanOrEqual(0);
    expect(lines.filter((line) => line.msg === 'migration applied')).toEqual(
      names.map((name) =>
        expect.objectContaining({ migration: name, durationMs: expect.any(Number) }),
      ),
    );
    expect(await missingMigrations(session, files)).toEqual([]);
    expect(await migrationStatus(session, files)).toEqual({
      applied: names,
      pending: [],
      changed: [],
      unknown: [],
    });

    expect(await migrate({ session, files, logger: quiet() })).toEqual({ applied: [] });
    expect(await recorded(session)).toEqual(rows);
  });

  it('refuses to run when an applied file was edited, and applies nothing else', async () => {
    const { session } = await freshPostgres();
    const dir = await folder({ '0001_a.sql': 'create table a (id bigint);' });
    await migrate({ session, files: await readMigrationFiles(dir), logger: quiet() });

    await write(dir, {
      '0001_a.sql': 'create table a (id bigint, extra text);',
      '0002_b.sql': 'create table b (id bigint);',
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

  it('applies a file named before one already applied (merged later), not skipping it', async () => {
    const { session } = await freshPostgres();
    const dir = await folder({ '0002_b.sql': 'create table b (id bigint);' });
    await migrate({ session, files: await readMigrationFiles(dir), logger: quiet() });

    await write(dir, { '0001_a.sql': 'create table a (id bigint);' });
    const result = await migrate({
      session,
      files: await readMigrationFiles(dir),
      logger: quiet(),
    });

    expect(result).toEqual({ applied: ['0001_a.sql'] });
    expect(await tableExists(session, 'a')).toBe(true);
    expect((await recorded(session)).map((row) => row.name)).toEqual(['0001_a.sql', '0002_b.sql']);
  });

  it('rolls a failing file back completely and stops before the files after it', async () => {
    const { url, session } = await freshPostgres();
    const dir = await folder({
      '0001_a.sql': 'create table a (id bigint);',
      '0002_bad.sql': 'create table bad (id bigint);\nselect * from does_not_exist;',
      '0003_c.sql': 'create table c (id bigint);',
    });

    const error = await migrate({
      session,
      files: await readMigrationFiles(dir),
      logger: quiet(),
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).file).toBe('0002_bad.sql');
    expect((error as Error).message).toContain('0002_bad.sql');
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

  it('gives up on a table lock after the per-file lock timeout instead of queueing behind it', async () => {
    const { url, session } = await freshPostgres();
    const dir = await folder({ '0001_alter.sql': 'alter table busy add column extra text;' });
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
      }).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/0001_alter\.sql.*lock timeout.*55P03/);
    } finally {
      await holder`rollback`;
      holder.release();
    }
    expect(await missingMigrations(session, await readMigrationFiles(dir))).toEqual([
      '0001_alter.sql',
    ]);
  });

  it('cancels a statement that outlives the statement timeout', async () => {
    const { session } = await freshPostgres();
    const dir = await folder({ '0001_slow.sql': 'select pg_sleep(10);' });
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

    const names = files.map((file) => file.name);
    expect(results.filter((result) => result.applied.length > 0)).toEqual([{ applied: names }]);
    expect(results.filter((result) => result.applied.length === 0)).toHaveLength(2);
    expect((await recorded(sessions[0] as SqlSession)).map((row) => row.name)).toEqual(names);
  });

  it('makes runners that find the lock taken wait for it, then apply once between them', async () => {
    const { url, session: probe } = await freshPostgres();
    const files = await readMigrationFiles(MIGRATIONS_DIR);
    // The test holds the lock first, so all three runners are certainly waiting at once.
    const holder = await observer(url).reserve();
    await holder`select pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`;

    const runners = [1, 2, 3].map(() => ({ db: connect(url), ...capturingLogger() }));
    const running = runners.map(async ({ db, logger }) => {
      const session = await db.session();
      try {
        return await migrate({ session, files, logger, lockPollMs: 20 });
      } finally {
        await session.release();
      }
    });
    await vi.waitFor(
      () => {
        for (const { lines } of runners)
          expect(lines.map((line) => line.msg)).toContain(
            'another migration runner holds the lock; waiting',
          );
      },
      { timeout: 10_000, interval: 20 },
    );
    expect(await tableExists(probe, 'users')).toBe(false);

    await holder`select pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`;
    holder.release();
    const results = await Promise.all(running);

    expect(results.map((result) => result.applied.length).sort()).toEqual([0, 0, files.length]);
    expect(await tableExists(probe, 'users')).toBe(true);
    expect(await recorded(probe)).toHaveLength(files.length);
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

describe('migrate on PGlite', () => {
  async function freshPglite() {
    const db = await openPglite(undefined);
    cleanups.push(() => db.close());
    return db;
  }

  it('applies the project migrations at startup and a second start does nothing', async () => {
    const db = await freshPglite();
    const files = await readMigrationFiles(MIGRATIONS_DIR);
    const names = files.map((file) => file.name);
    const { logger, lines } = capturingLogger();

    expect(await applyMigrations(db, logger)).toEqual({ applied: names });
    expect(await applyMigrations(db, logger)).toEqual({ applied: [] });

    const session = await db.session();
    expect(await tableExists(session, 'users')).toBe(true);
    expect((await recorded(session)).map((row) => row.name)).toEqual(names);
    expect(await missingMigrations(session, files)).toEqual([]);
    expect(lines.filter((line) => line.msg === 'migration applied')).toHaveLength(names.length);
  });

  it('reports every file missing before the first run', async () => {
    const db = await freshPglite();
    const files = await readMigrationFiles(MIGRATIONS_DIR);
    expect(await missingMigrations(await db.session(), files)).toEqual(files.map((f) => f.name));
  });

  it('rolls a failing file back and stops there', async () => {
    const db = await freshPglite();
    const dir = await folder({
      '0001_a.sql': 'create table a (id bigint);',
      '0002_bad.sql': 'create table bad (id bigint);\nselect * from does_not_exist;',
      '0003_c.sql': 'create table c (id bigint);',
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
