// The instance heartbeat against real PostgreSQL: it records release and liveness, survives a
// missing table (before the first migration run) without throwing, and records its stop.
import { afterAll, expect, it, vi } from 'vitest';
import { createTestDatabase, openTestPostgres } from '../../test/support/database.ts';
import { createLogger } from '../telemetry/logger.ts';
import { startHeartbeat } from './heartbeat.ts';
import { ensureBookkeeping } from './migrate/bookkeeping.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

it('beats once the table exists, warns once while it does not, and records its stop', async () => {
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  const db = openTestPostgres(database.url, 'heartbeat-test');
  cleanups.push(() => db.close());
  const lines: { msg: string; level: string }[] = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });

  const heartbeat = startHeartbeat({ db, release: '0.4.0', intervalMs: 50, logger });
  cleanups.push(() => heartbeat.stop());
  await vi.waitFor(() =>
    expect(lines.filter((line) => line.msg === 'could not record the heartbeat')).toHaveLength(1),
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  // Several failed beats, one warning.
  expect(lines.filter((line) => line.msg === 'could not record the heartbeat')).toHaveLength(1);

  const session = await db.session();
  await ensureBookkeeping(session, 2_000);
  await vi.waitFor(async () => {
    const rows = await session.query<{ instance_id: string; release: string }>(
      'select instance_id, release from app_instances',
    );
    expect(rows).toEqual([{ instance_id: heartbeat.instanceId, release: '0.4.0' }]);
  });
  expect(lines.map((line) => line.msg)).toContain('heartbeat recorded again');
  const seen = async () =>
    (await session.query<{ at: string }>('select last_seen_at::text as at from app_instances'))[0]
      ?.at;
  const first = await seen();
  await vi.waitFor(async () => expect(await seen()).not.toBe(first));

  await heartbeat.stop();
  const [row] = await session.query<{ stopped: boolean }>(
    'select stopped_at is not null as stopped from app_instances',
  );
  expect(row?.stopped).toBe(true);
  await session.release();
});
