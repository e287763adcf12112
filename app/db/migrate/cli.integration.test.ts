// The CLI as operators and the Kubernetes Job run it (test/support/migrate-cli.ts). Stopped by a
// signal midway: cli-interrupt.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { messages, runCli, startCli } from '../../../test/support/migrate-cli.ts';
import { freePort } from '../../../test/support/ports.ts';
import type { ProcessResult } from '../../run-process.ts';
import { MIGRATIONS_DIR, readMigrationFiles } from './files.ts';

let names: string[];
let expandNames: string[];
beforeAll(async () => {
  const files = await readMigrationFiles(MIGRATIONS_DIR);
  names = files.map((file) => file.name);
  expandNames = files.filter((file) => file.header.phase === 'expand').map((file) => file.name);
});

describe('migrate CLI on PostgreSQL', () => {
  let database: TestDatabase;
  let sql: postgres.Sql;
  beforeAll(async () => {
    database = await createTestDatabase();
    sql = postgres(database.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  it('lists everything as pending before the first run', async () => {
    const run = await runCli(['status'], { DATABASE_URL: database.url });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`pending  ${names[0]}`);
    expect(run.stdout).toContain(`0 applied, ${names.length} pending`);
  });

  it('lets one of three simultaneous runs apply the expand files; the others exit 0 with nothing to do', async () => {
    const runs = await Promise.all([1, 2, 3].map(() => runCli([], { DATABASE_URL: database.url })));
    expect(runs.map((run) => run.code)).toEqual([0, 0, 0]);
    expect(runs.map((run) => run.stderr)).toEqual(['', '', '']);
    const applying = runs.filter((run) =>
      messages(run).some((line) => line.msg === 'migration applied'),
    );
    expect(applying).toHaveLength(1);
    expect(
      messages(applying[0] as ProcessResult).filter((line) => line.msg === 'migration applied'),
    ).toEqual(expandNames.map((name) => expect.objectContaining({ migration: name })));
    for (const run of runs.filter((other) => other !== applying[0])) {
      expect(messages(run)).toContainEqual(
        expect.objectContaining({ msg: 'schema is up to date, nothing to do', applied: [] }),
      );
    }
    const rows = await sql`select name from schema_migrations order by name`;
    expect(rows.map((row) => row.name)).toEqual(expandNames);
  });

  it('says in status and plan what is held back and why', async () => {
    const status = await runCli(['status'], { DATABASE_URL: database.url });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`applied  ${names[0]}`);
    expect(status.stdout).toMatch(
      /pending +0003_users_drop_name\.sql +contract\n +held back: waits for backfill 0002/,
    );
    expect(status.stdout).toContain(
      `${expandNames.length} applied, ${names.length - expandNames.length} pending`,
    );

    const plan = await runCli(['plan'], { DATABASE_URL: database.url });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toBe(
      [
        'expand: nothing to do',
        'backfill:',
        '  would run 0002_users_name_split_backfill.sql',
        'contract:',
        '  held back 0003_users_drop_name.sql:',
        '    - waits for backfill 0002_users_name_split_backfill.sql, not applied yet (npm run migrate -- backfill 0002_users_name_split_backfill.sql)',
        '',
      ].join('\n'),
    );
  });

  it('refuses contract with exit 3 while its backfill is pending, then backfill and contract apply', async () => {
    const refused = await runCli(['contract'], { DATABASE_URL: database.url });
    expect(refused.code).toBe(3);
    expect(messages(refused)).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: expect.stringContaining('contract: 1 file(s) held back'),
      }),
    );
    const backfill = await runCli(['backfill', '0002_users_name_split_backfill'], {
      DATABASE_URL: database.url,
    });
    expect(backfill.code).toBe(0);
    expect(messages(backfill)).toContainEqual(
      expect.objectContaining({ msg: 'backfill complete', rows: 0 }),
    );
    expect((await runCli(['contract'], { DATABASE_URL: database.url })).code).toBe(0);
    const rows = await sql`select name, phase from schema_migrations order by name`;
    expect(rows.map((row) => row.name)).toEqual(names);
  });
});

describe('migrate CLI all', () => {
  it('takes a fresh database through every phase in one go', async () => {
    const database = await createTestDatabase();
    try {
      const run = await runCli(['all'], { DATABASE_URL: database.url });
      expect(run.code).toBe(0);
      expect(messages(run)).toContainEqual(
        expect.objectContaining({ msg: `applied ${names.length} migration(s)`, applied: names }),
      );
    } finally {
      await database.drop();
    }
  });
});

describe('migrate CLI on PGlite', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'myapp-cli-pglite-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  // Two processes each start PGlite (WebAssembly), which takes seconds on a small machine.
  it('migrates the embedded database without DATABASE_URL and keeps it applied', {
    timeout: 60_000,
  }, async () => {
    const first = await runCli([], { DATA_DIR: dataDir });
    expect(first.code).toBe(0);
    expect(messages(first)).toContainEqual(
      expect.objectContaining({
        msg: `applied ${expandNames.length} migration(s)`,
        applied: expandNames,
      }),
    );

    const status = await runCli(['status'], { DATA_DIR: dataDir });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(
      `${expandNames.length} applied, ${names.length - expandNames.length} pending`,
    );
  });
});

describe('migrate CLI failures', () => {
  it('exits 2 naming the bad variable when the configuration is invalid', async () => {
    // One of its own: the API server's PORT is not the migration command's to check.
    const run = await runCli([], { MIGRATION_LOCK_RETRIES: 'abc' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('MIGRATION_LOCK_RETRIES="abc"');
    expect(run.stdout).toBe('');
  });

  it('exits 2 with the usage on an unknown command or extra arguments', async () => {
    for (const args of [['sideways'], ['contract', 'now'], ['backfill', 'a', 'b']]) {
      const run = await runCli(args, {});
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('usage: npm run migrate');
    }
  });

  it('retries a database that refuses connections, logging each attempt, then exits 1 with the cause', async () => {
    const port = await freePort();
    const run = await runCli([], {
      DATABASE_URL: `postgres://nobody:secret@127.0.0.1:${port}/none`,
      // The first two pauses take up to 1.5 s; the rest of the budget is for the attempts
      // themselves, the first of which loads the driver (slow on a busy machine).
      MIGRATION_DATABASE_WAIT_MS: '4000',
    });
    expect(run.code).toBe(1);
    const retries = messages(run).filter(
      (line) => line.msg === 'database not reachable yet; retrying',
    );
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries[0]).toMatchObject({ attempt: 1, code: 'ECONNREFUSED' });
    const failure = messages(run).find((line) => line.msg === 'migration failed');
    expect(JSON.stringify(failure)).toContain('ECONNREFUSED');
    expect(run.stdout).not.toContain('secret');
  });
});

describe('migrate CLI and a database that starts after it', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('waits for the database to accept connections, then migrates', async () => {
    // The in-chart PostgreSQL of a first install, or one restarting after initdb: it drops the
    // first connections. A TCP relay to the real server that resets the first two stands in.
    const target = new URL(database.url);
    const port = await freePort();
    let connections = 0;
    const relay = createServer((client) => {
      if (++connections <= 2) {
        client.resetAndDestroy();
        return;
      }
      const server = connect(Number(target.port || 5432), target.hostname);
      client.pipe(server).pipe(client);
      client.on('error', () => server.destroy());
      server.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
    try {
      const url = new URL(database.url);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      const cli = startCli(['expand'], {
        DATABASE_URL: url.toString(),
        MIGRATION_DATABASE_WAIT_MS: '60000',
      });
      const run = await cli.done;
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const retries = messages(run).filter(
        (line) => line.msg === 'database not reachable yet; retrying',
      );
      expect(retries.length).toBeGreaterThanOrEqual(1);
      expect(retries[0]).toMatchObject({ attempt: 1 });
      expect(messages(run).some((line) => String(line.msg).startsWith('applied '))).toBe(true);
    } finally {
      await new Promise((resolve) => relay.close(resolve));
    }
  });
});
