// The contract gate on evidence: app instances' heartbeats (the real heartbeat module, and the
// real app as a process), their expiry, graceful stops, incomplete backfills, and the rollback
// check; the CLI's exit codes as the deployment's Jobs see them. About 8 s.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Database, SqlSession } from '../../app/db/database.ts';
import { startHeartbeat } from '../../app/db/heartbeat.ts';
import { type MigrationFile, readMigrationFiles } from '../../app/db/migrate/files.ts';
import { formatPlan, formatStatus } from '../../app/db/migrate/report.ts';
import { migrate } from '../../app/db/migrate/runner.ts';
import { migrationPlan, migrationStatus } from '../../app/db/migrate/status.ts';
import { killApp, startAppProcess } from '../support/app-process.ts';
import { createTestDatabase, openTestPostgres } from '../support/database.ts';
import { runCli } from '../support/migrate-cli.ts';
import { evolvingDatabase, silent } from './support.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const WINDOW_MS = 1_000;

async function fixture(): Promise<{
  url: string;
  db: Database;
  session: SqlSession;
  files: MigrationFile[];
}> {
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  const db = openTestPostgres(database.url, 'gate-test');
  cleanups.push(() => db.close());
  const session = await db.session();
  cleanups.push(() => session.release());
  const dir = await mkdtemp(join(tmpdir(), 'myapp-gate-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await writeFile(
    join(dir, '0001_t.sql'),
    '-- migrate: expand\ncreate table t (id bigint, a text, b text);\n',
  );
  await writeFile(
    join(dir, '0002_drop_a.sql'),
    '-- migrate: contract after=1.0.0\nalter table t drop column a;\n',
  );
  const files = await readMigrationFiles(dir);
  await migrate({ session, files, logger: silent(), command: 'expand' });
  return { url: database.url, db, session, files };
}

const contract = (session: SqlSession, files: MigrationFile[]) =>
  migrate({ session, files, logger: silent(), command: 'contract', gateWindowMs: WINDOW_MS });

describe('the contract gate', () => {
  it('is held while an instance of an older release beats, and opens once it says it stopped', async () => {
    const { db, session, files } = await fixture();
    const old = startHeartbeat({ db, release: '0.9.0', intervalMs: 100, logger: silent() });
    const current = startHeartbeat({ db, release: '1.0.0', intervalMs: 100, logger: silent() });
    const next = startHeartbeat({ db, release: '1.1.0-rc.1', intervalMs: 100, logger: silent() });
    cleanups.push(() => Promise.all([old.stop(), current.stop(), next.stop()]));
    await vi.waitFor(async () => {
      const rows = await session.query('select 1 from app_instances');
      expect(rows).toHaveLength(3);
    });

    const held = await contract(session, files);
    expect(held.applied).toEqual([]);
    expect(held.held).toEqual([
      {
        name: '0002_drop_a.sql',
        phase: 'contract',
        reasons: [
          expect.stringMatching(
            new RegExp(
              `^instance ${old.instanceId} .* runs release 0\\.9\\.0, older than 1\\.0\\.0`,
            ),
          ),
        ],
      },
    ]);

    await old.stop();
    expect((await contract(session, files)).applied).toEqual(['0002_drop_a.sql']);
  });

  it('counts a silent instance (killed, no stop recorded) until the window has passed', async () => {
    const { session, files } = await fixture();
    // What a SIGKILLed pod leaves behind: a last heartbeat and no stop.
    await session.exec(
      "insert into app_instances (instance_id, release, hostname, pid) values ('killed/7/x', '0.9.0', 'killed', 7)",
    );
    expect((await contract(session, files)).held).toHaveLength(1);
    await vi.waitFor(
      async () => expect((await contract(session, files)).applied).toEqual(['0002_drop_a.sql']),
      { timeout: WINDOW_MS * 5, interval: 200 },
    );
  });

  it('treats a release that is not a version as older, and waits for an incomplete backfill', async () => {
    const { session, files } = await fixture();
    await session.exec(
      "insert into app_instances (instance_id, release, hostname, pid) values ('dev/1/x', 'dev', 'laptop', 1)",
    );
    await session.exec(
      "insert into schema_backfills (name, last_key, rows_done) values ('0000_old_fill.sql', 500, 500)",
    );
    const [held] = (await contract(session, files)).held;
    expect(held?.reasons).toEqual([
      expect.stringContaining('runs release dev, older than 1.0.0'),
      expect.stringContaining(
        'backfill 0000_old_fill.sql is not complete (500 rows done, up to key 500)',
      ),
    ]);
  });
});

describe('the gate with the real app and the CLI', () => {
  const cli = (args: string[], url: string) =>
    runCli(args, { DATABASE_URL: url, CONTRACT_GATE_WINDOW_MS: '30000', BACKFILL_PAUSE_MS: '0' });

  it('holds contract while a 0.3.0 app process runs, applies it after its SIGTERM; rollback check refuses 0.3.0', {
    timeout: 60_000,
  }, async () => {
    // Release 0.3.0's deployment has run: expand and backfill are in.
    const database = await evolvingDatabase();
    cleanups.push(() => database.close());
    await database.migrate('expand', '9999');
    await database.migrate('backfill', '9999');

    const app = await startAppProcess({
      DATABASE_URL: database.url,
      RELEASE: '0.3.0',
      HEARTBEAT_INTERVAL_MS: '200',
      DRAIN_DELAY_MS: '0',
      SHUTDOWN_TIMEOUT_MS: '5000',
      METRICS_PORT: '0',
    });
    cleanups.push(() => killApp(app));
    const { sql } = database;
    await vi.waitFor(async () => {
      const [row] = await sql`select release, stopped_at from app_instances`;
      expect(row).toEqual({ release: '0.3.0', stopped_at: null });
    });

    const plan = formatPlan(await migrationPlan(database.session, database.files, 30_000));
    expect(plan).toContain('held back 0003_users_drop_name.sql:');
    expect(plan).toMatch(/runs release 0\.3\.0, older than 0\.4\.0/);

    const refused = await cli(['contract'], database.url);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain('contract: 1 file(s) held back');

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    const [stopped] = await sql`select stopped_at from app_instances`;
    expect(stopped?.stopped_at).not.toBeNull();

    expect((await cli(['contract'], database.url)).code).toBe(0);
    const status = formatStatus(await migrationStatus(database.session, database.files, 30_000));
    expect(status).toContain(`${database.files.length} applied, 0 pending`);
    expect(status).toMatch(/instance .* release 0\.3\.0, last heartbeat .* ago, stopped/);

    const rollback = await cli(['rollback-check', '0.3.0'], database.url);
    expect(rollback.code).toBe(3);
    expect(rollback.stdout).toContain(
      'contract 0003_users_drop_name.sql is applied and needs release 0.4.0 or newer',
    );
    // Without an argument: this build's own release (package.json's version).
    expect((await cli(['rollback-check'], database.url)).code).toBe(0);
  });
});
