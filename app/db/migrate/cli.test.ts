// The CLI as operators and the Kubernetes Job run it: a child process, configured only by its
// environment, judged by its exit code and output.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { freePort } from '../../../test/support/ports.ts';
import { MIGRATIONS_DIR, readMigrationFiles } from './files.ts';

const CLI = join(import.meta.dirname, 'cli.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from an unrelated folder with nothing but PATH and `env` in its environment. */
function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const messages = (run: Run) =>
  run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; [key: string]: unknown });

let names: string[];
beforeAll(async () => {
  names = (await readMigrationFiles(MIGRATIONS_DIR)).map((file) => file.name);
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

  it('applies the migrations, then a second run has nothing to do', async () => {
    const first = await runCli([], { DATABASE_URL: database.url });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(messages(first).filter((line) => line.msg === 'migration applied')).toEqual(
      names.map((name) => expect.objectContaining({ migration: name })),
    );
    const [users] = await sql`select to_regclass('public.users') is not null as exists`;
    expect(users?.exists).toBe(true);
    const rows = await sql`select name from schema_migrations order by name`;
    expect(rows.map((row) => row.name)).toEqual(names);

    const second = await runCli(['up'], { DATABASE_URL: database.url });
    expect(second.code).toBe(0);
    expect(messages(second)).toContainEqual(
      expect.objectContaining({ msg: 'schema is up to date, nothing to do', applied: [] }),
    );

    const status = await runCli(['status'], { DATABASE_URL: database.url });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`applied  ${names[0]}`);
    expect(status.stdout).toContain(`${names.length} applied, 0 pending`);
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
      expect.objectContaining({ msg: `applied ${names.length} migration(s)`, applied: names }),
    );

    const status = await runCli(['status'], { DATA_DIR: dataDir });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`${names.length} applied, 0 pending`);
  });
});

describe('migrate CLI failures', () => {
  it('exits 2 naming the bad variable when the configuration is invalid', async () => {
    const run = await runCli([], { PORT: 'abc' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PORT="abc"');
    expect(run.stdout).toBe('');
  });

  it('exits 2 with the usage on an unknown command', async () => {
    const run = await runCli(['sideways'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: npm run migrate');
  });

  it('exits 1 and logs the cause when the database cannot be reached', async () => {
    const port = await freePort();
    const run = await runCli([], {
      DATABASE_URL: `postgres://nobody:secret@127.0.0.1:${port}/none`,
    });
    expect(run.code).toBe(1);
    const failure = messages(run).find((line) => line.msg === 'migration failed');
    expect(JSON.stringify(failure)).toContain('ECONNREFUSED');
    expect(run.stdout).not.toContain('secret');
  });
});
