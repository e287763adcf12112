// `npm run bench:telemetry`: what telemetry costs on a database-backed GET. The real app runs as
// a process (app/main.ts) against real PostgreSQL, twice per round:
//   off: no tracing (no OTLP endpoint: the SDK is not built), LOG_LEVEL=silent;
//   on:  every request traced and exported over OTLP/HTTP to a receiver in this process, one JSON
//        log line per request, /metrics scraped every second.
// Request metrics are recorded in both (they cannot be switched off). Load: wrk (Debian's
// package: a separate C process, so the load generator does not share the app's event loop). Prints requests/s of each run and the on/off ratio; the
// target is at most 15% fewer requests/s with telemetry on. Not part of CI.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { applyMigrations } from '../app/db/migrate/runner.ts';
import { openPostgres } from '../app/db/postgres.ts';
import { createLogger } from '../app/telemetry/logger.ts';
import { startEmbeddedPostgres } from '../test/support/embedded-postgres.ts';
import { freePort } from '../test/support/ports.ts';
import { findTool } from '../test/support/tools.ts';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = 32;
const MAIN = join(import.meta.dirname, '../app/main.ts');
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function prepareDatabase(): Promise<{ url: string; done(): Promise<void> }> {
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres();
  const admin = process.env.DATABASE_URL ?? (embedded?.url as string);
  const name = `myapp_bench_${process.pid}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`drop database if exists ${name}`);
  await sql.unsafe(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const db = openPostgres({
    url: url.toString(),
    poolMax: 2,
    connectTimeoutMs: 5_000,
    applicationName: 'bench',
  });
  await applyMigrations(db, createLogger({ level: 'silent' }));
  await db.close();
  return {
    url: url.toString(),
    async done() {
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
      await embedded?.destroy();
    },
  };
}

async function startApp(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 300; attempt++) {
    if ((await fetch(`${url}/ready`).catch(() => undefined))?.ok) return { url, child };
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error('the app did not become ready');
}

async function stopApp(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function load(url: string, seconds: number): Promise<number> {
  const wrk = findTool('wrk');
  if (!wrk) throw new Error('wrk is not installed: apt-get install wrk');
  const { stdout } = await run(wrk, ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, url]);
  // A fast failure is no throughput: any non-2xx answer makes the figure meaningless.
  const failed = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1];
  if (failed) throw new Error(`${failed} requests failed during the run:\n${stdout}`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN);
}

/** A minimal OTLP/HTTP sink: reads and acknowledges every export. */
async function startSink(): Promise<{ url: string; spans: () => number; close(): void }> {
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans: () => bytes,
    close: () => server.close(),
  };
}

type Mode = 'off' | 'logs' | 'traces' | 'on';

async function measure(mode: Mode, databaseUrl: string, sinkUrl: string) {
  const metricsPort = await freePort();
  const common = {
    DATABASE_URL: databaseUrl,
    DB_POOL_MAX: '10',
    RATE_LIMITS: 'v1=0',
    DRAIN_DELAY_MS: '0',
    METRICS_PORT: String(metricsPort),
  };
  const logs = mode === 'on' || mode === 'logs';
  const traces = mode === 'on' || mode === 'traces';
  const env = {
    ...common,
    LOG_LEVEL: logs ? 'info' : 'silent',
    ...(traces ? { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl } : {}),
  };
  const app = await startApp(env);
  const scraper =
    mode === 'on'
      ? setInterval(() => {
          fetch(`http://127.0.0.1:${metricsPort}/metrics`, {
            headers: { accept: 'application/openmetrics-text' },
          }).then(
            (response) => response.arrayBuffer(),
            () => {},
          );
        }, 1_000)
      : undefined;
  try {
    const target = `${app.url}/api/v1/users?limit=20`;
    await load(target, 2); // warm-up: JIT, pool, caches
    return await load(target, DURATION_S);
  } finally {
    clearInterval(scraper);
    await stopApp(app.child);
  }
}

const database = await prepareDatabase();
const sink = await startSink();
try {
  // Seeded through the API itself, so the bench follows the schema whatever its version.
  const seeder = await startApp({
    DATABASE_URL: database.url,
    RATE_LIMITS: 'v1=0',
    METRICS_PORT: '0',
    DRAIN_DELAY_MS: '0',
  });
  for (let index = 0; index < 50; index++) {
    const response = await fetch(`${seeder.url}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Bench User${index}`, email: `bench${index}@example.com` }),
    });
    if (response.status !== 201) throw new Error(`seeding failed: ${response.status}`);
  }
  await stopApp(seeder.child);

  process.stdout.write(
    `GET /api/v1/users?limit=20 (50 users, PostgreSQL), ${CONNECTIONS} connections, ${DURATION_S} s per run, ${ROUNDS} rounds, load by wrk\n`,
  );
  const modes = (process.env.BENCH_MODES ?? 'off,on').split(',') as Mode[];
  const results: Record<Mode, number[]> = { off: [], logs: [], traces: [], on: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of modes) {
      const rps = await measure(mode, database.url, sink.url);
      results[mode].push(rps);
      process.stdout.write(
        `round ${round}  telemetry ${mode.padEnd(3)}  ${rps.toFixed(0)} req/s\n`,
      );
    }
  }
  const best = (values: number[]) => Math.max(...values);
  const ratio = best(results.on) / best(results.off);
  process.stdout.write(
    `best: off ${best(results.off).toFixed(0)} req/s, on ${best(results.on).toFixed(0)} req/s; on/off = ${ratio.toFixed(3)} (${((1 - ratio) * 100).toFixed(1)}% fewer; target: at most 15%)\n`,
  );
  process.stdout.write(`OTLP bytes received: ${sink.spans()}\n`);
} finally {
  sink.close();
  await database.done();
}
