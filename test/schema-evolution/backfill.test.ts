// The worked example's backfill (0002) over 1,000,000 rows written by release 0.1.0, while a
// writer keeps inserting and renaming users the old way (name only). The backfill runs as the
// real CLI in a child process, is killed once midway and run again: it must resume after its
// checkpoint, and afterwards every row must hold first_name/last_name = split(name).
// Cost on a 2-core machine against PostgreSQL 15: about 30 s (4 s to insert the rows, the rest
// the backfill at batch 1,000 with no pause). BACKFILL_TEST_ROWS makes it smaller locally.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { releaseR0 } from './releases.ts';
import { type EvolvingDatabase, evolvingDatabase } from './support.ts';

const ROWS = Number(process.env.BACKFILL_TEST_ROWS ?? 1_000_000);
const CLI = join(import.meta.dirname, '../../app/db/migrate/cli.ts');
const BACKFILL = '0002_users_name_split_backfill';

let db: EvolvingDatabase;
beforeAll(async () => {
  db = await evolvingDatabase();
});
afterAll(async () => {
  await db?.close();
});

function backfillProcess(): {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<unknown>;
} {
  const child = spawn(process.execPath, [CLI, 'backfill', BACKFILL], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: db.url,
      BACKFILL_PAUSE_MS: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) if (line.startsWith('{')) lines.push(JSON.parse(line));
  });
  return { child, lines, exited: once(child, 'exit') };
}

it(`backfills ${ROWS.toLocaleString('en')} rows under a writer of the old release, resuming after a kill`, {
  timeout: 240_000,
}, async () => {
  const started = performance.now();
  await db.migrate('expand', '0000_create_users.sql');
  // Names of every shape the split must handle, written before the expand: no parts yet.
  await db.sql.unsafe(`
    insert into users (name, email)
    select case g % 4
             when 0 then 'Solo' || g
             when 1 then 'First' || g || '  Middle   Last' || g
             when 2 then 'Zoë' || g || ' Ångström'
             else '李' || g || ' 小龙'
           end,
           'user' || g || '@example.com'
      from generate_series(1, ${ROWS}) g`);
  const inserted = performance.now();
  expect((await db.migrate('expand', `${BACKFILL}.sql`)).applied).toEqual([
    '0001_users_name_split.sql',
  ]);

  // Release 0.1.0 keeps serving: inserts and renames, name only, all through the backfill.
  const r0 = releaseR0(db.orm);
  let writing = true;
  const writes = { inserts: 0, renames: 0 };
  const writer = (async () => {
    for (let i = 0; writing && i < 1_000_000; i++) {
      await r0.insert(`Writer${i}  Old   Way`, `writer${i}@example.com`);
      writes.inserts++;
      const id = 1 + Math.floor(Math.random() * ROWS);
      await r0.rename(id, `Renamed${i} Ødegaard  Jr`);
      writes.renames++;
    }
  })();

  // First run: killed once it is well under way.
  const first = backfillProcess();
  for (const deadline = Date.now() + 120_000; ; ) {
    if (first.child.exitCode !== null)
      throw new Error(`the backfill exited early (${first.child.exitCode})`);
    if (Date.now() > deadline) throw new Error('the backfill made no progress in 120 s');
    const [row] = await db.sql`select rows_done::int as n from schema_backfills`;
    if ((row?.n ?? 0) > ROWS / 3) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  first.child.kill('SIGKILL');
  await first.exited;
  const [checkpoint] = await db.sql`
    select last_key::text as last_key, completed_at from schema_backfills`;
  expect(checkpoint?.completed_at).toBeNull();
  expect(Number(checkpoint?.last_key)).toBeGreaterThan(0);

  // Second run: resumes after the checkpoint and completes.
  const second = backfillProcess();
  const [code] = (await second.exited) as [number];
  expect(code).toBe(0);
  const resumed = second.lines.find(
    (line) => line.msg === 'resuming backfill after its checkpoint',
  );
  expect(resumed).toMatchObject({ backfill: `${BACKFILL}.sql` });
  expect(Number(resumed?.resumeAfterKey)).toBeGreaterThanOrEqual(Number(checkpoint?.last_key));
  const complete = second.lines.find((line) => line.msg === 'backfill complete');
  expect(complete).toBeDefined();
  const backfilled = performance.now();

  writing = false;
  await writer;
  expect(writes.inserts).toBeGreaterThan(0);
  expect(writes.renames).toBeGreaterThan(0);

  const [broken] = await db.sql`
    select count(*)::int as n from users u, lateral users_split_name(u.name) s
     where u.first_name is null or u.last_name is null
        or (u.first_name, u.last_name) is distinct from (s.first_name, s.last_name)`;
  expect(broken?.n).toBe(0);
  const [total] = await db.sql`select count(*)::int as n from users`;
  expect(total?.n).toBe(ROWS + writes.inserts);
  const [marker] = await db.sql`
    select b.completed_at is not null as complete, m.name is not null as recorded
      from schema_backfills b left join schema_migrations m on m.name = b.name`;
  expect(marker).toEqual({ complete: true, recorded: true });

  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  process.stdout.write(
    `backfill test: ${ROWS} rows inserted in ${seconds(inserted - started)} s, backfilled (killed once) in ${seconds(backfilled - inserted)} s; writer meanwhile: ${writes.inserts} inserts, ${writes.renames} renames\n`,
  );
});
