// A collector that accepts connections and never answers (the worst case: every export waits for
// its timeout) must cost requests nothing and memory no more than the bounded queue: every span
// is then exported, dropped with a counted reason, or among the few still queued. About 1 s.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type ObservedApp, startObservedApp } from '../support/observed-app.ts';

const REQUESTS = 300;
const QUEUE = 20;

let database: TestDatabase;
let blackhole: Server;
const sockets = new Set<Socket>();
let app: ObservedApp;

beforeAll(async () => {
  database = await createTestDatabase();
  blackhole = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  blackhole.listen(0, '127.0.0.1');
  await once(blackhole, 'listening');
  const { port } = blackhole.address() as { port: number };
  app = await startObservedApp(database.url, {
    LOG_LEVEL: 'warn',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_TIMEOUT: '200',
    OTEL_BSP_MAX_QUEUE_SIZE: String(QUEUE),
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
    OTEL_BSP_SCHEDULE_DELAY: '20',
  });
});

afterAll(async () => {
  await app?.close();
  for (const socket of sockets) socket.destroy();
  blackhole?.close();
  await database?.drop();
});

async function counter(name: string, labels = ''): Promise<number> {
  const body = await (await fetch(app.metricsUrl)).text();
  const line = body.split('\n').find((entry) => entry.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

it('answers every request while the collector hangs, and accounts for every span', async () => {
  const statuses: number[] = [];
  for (let batch = 0; batch < REQUESTS / 10; batch++) {
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => fetch(`${app.url}/health`)),
    );
    statuses.push(...responses.map((response) => response.status));
  }
  expect(statuses.filter((status) => status !== 200)).toEqual([]);

  const queueFull = await counter('otel_sdk_spans_dropped_total', '{reason="queue_full"}');
  expect(queueFull).toBeGreaterThan(0);

  // Exports time out one batch at a time; wait until all but the last queue's worth is settled.
  let settled = 0;
  for (let attempt = 0; attempt < 100; attempt++) {
    settled =
      (await counter('otel_sdk_spans_dropped_total', '{reason="queue_full"}')) +
      (await counter('otel_sdk_spans_dropped_total', '{reason="export_failed"}')) +
      (await counter('otel_sdk_spans_exported_total'));
    if (settled >= REQUESTS - QUEUE) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(settled).toBeGreaterThanOrEqual(REQUESTS - QUEUE);
  expect(settled).toBeLessThanOrEqual(REQUESTS);
  expect(await counter('otel_sdk_spans_exported_total')).toBe(0);
});
