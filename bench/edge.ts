// `npm run bench:edge`: what the edge tier adds to a request it forwards, per runtime. The real
// app (app/main.ts on PostgreSQL) is the origin; GET /api/v2/users?limit=20 is loaded through:
//   direct    the origin itself: the floor;
//   haproxy   a conventional reverse proxy in front of it (Debian's haproxy): the peer;
//   workerd, deno, bun   the edge bundle (scripts/edge/build.ts) under each runtime.
// Load: wrk (a separate C process), --latency for p50/p99, no pipelining. A shared machine drifts,
// so every target runs for the whole bench, warmed up once, and is loaded in short rounds with
// the order alternating; each figure is the median over rounds of its difference (latency) or
// ratio (req/s) to `direct` in the same round. Prints per-round lines and the table the README
// shows. Not part of CI.
//   BENCH_ROUNDS (8)  BENCH_DURATION_S (2)  BENCH_CONNECTIONS (16)  BENCH_RUNTIMES (workerd,deno,bun)
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { applyMigrations } from '../app/db/migrate/runner.ts';
import { openPostgres } from '../app/db/postgres.ts';
import { createLogger } from '../app/telemetry/logger.ts';
import { buildEdge } from '../scripts/edge/build.ts';
import { edgeCommand } from '../scripts/edge/command.ts';
import { type EdgeRuntime, ensureRuntime } from '../scripts/edge/runtimes-install.ts';
import { freePort } from '../test/support/ports.ts';
import { findTool } from '../test/support/tools.ts';
import { createScratchDatabase } from './support/scratch-database.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const RUNTIMES = (process.env.BENCH_RUNTIMES ?? 'workerd,deno,bun').split(',') as EdgeRuntime[];
const WARM_UP_S = 3;
const PATH = '/api/v2/users?limit=20';
const MAIN = join(import.meta.dirname, '../app/main.ts');
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Target {
  name: string;
  url: string;
  child?: ChildProcess;
}

interface Run {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

function spawnQuiet(command: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitFor(url: string, what: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if ((await fetch(url).catch(() => undefined))?.ok) return;
    await sleep(50);
  }
  throw new Error(`${what} did not answer ${url}`);
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** wrk's latency line value (`1.23ms`, `850.00us`, `1.02s`) in milliseconds. */
function millis(value: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(value ?? '');
  if (!match) return Number.NaN;
  const scale = { us: 0.001, ms: 1, s: 1000 }[match[2] as 'us' | 'ms' | 's'];
  return Number(match[1]) * scale;
}

async function load(url: string, seconds: number): Promise<Run> {
  const wrk = findTool('wrk');
  if (!wrk) throw new Error('wrk is not installed: apt-get install wrk');
  const { stdout } = await run(wrk, ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', url]);
  const failed = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1];
  if (failed) throw new Error(`${failed} requests failed during the run:\n${stdout}`);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN),
    p50Ms: millis(/^\s+50%\s+(\S+)/m.exec(stdout)?.[1]),
    p99Ms: millis(/^\s+99%\s+(\S+)/m.exec(stdout)?.[1]),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function startOrigin(databaseUrl: string): Promise<Target> {
  const port = await freePort();
  const child = spawnQuiet(process.execPath, [MAIN], {
    HOST: '127.0.0.1',
    PORT: String(port),
    METRICS_PORT: '0',
    DATABASE_URL: databaseUrl,
    DB_POOL_MAX: '10',
    RATE_LIMITS: 'v1=0,v2=0',
    DRAIN_DELAY_MS: '0',
    LOG_LEVEL: 'silent',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/ready`, 'the origin');
  return { name: 'direct', url, child };
}

async function startHaproxy(origin: string, dir: string): Promise<Target> {
  const haproxy = findTool('haproxy');
  if (!haproxy) throw new Error('haproxy is not installed: apt-get install haproxy');
  const port = await freePort();
  const config = join(dir, 'haproxy.cfg');
  const upstream = new URL(origin);
  await writeFile(
    config,
    `defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
frontend edge
  bind 127.0.0.1:${port}
  default_backend origin
backend origin
  http-reuse always
  server origin ${upstream.hostname}:${upstream.port}
`,
  );
  const child = spawnQuiet(haproxy, ['-db', '-f', config], {});
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/health`, 'haproxy');
  return { name: 'haproxy', url, child };
}

async function startEdgeRuntime(runtime: EdgeRuntime, origin: string): Promise<Target> {
  const binary = await ensureRuntime(runtime, (line) => process.stderr.write(`${line}\n`));
  const port = await freePort();
  const { args, env } = edgeCommand(runtime, binary, port);
  const [command, ...rest] = args;
  // Rate limits off and no access log: the edge's own work, as the origin's is measured.
  const child = spawnQuiet(command, rest, {
    ...env,
    EDGE_ORIGIN_URL: origin,
    RATE_LIMITS: 'v1=0,v2=0',
    LOG_LEVEL: 'silent',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/health`, runtime);
  return { name: runtime, url, child };
}

const database = await createScratchDatabase('myapp_bench_edge');
const dir = await mkdtemp(join(tmpdir(), 'myapp-bench-edge-'));
const targets: Target[] = [];
try {
  const db = openPostgres({
    url: database.url,
    poolMax: 2,
    connectTimeoutMs: 5_000,
    applicationName: 'bench',
  });
  await applyMigrations(db, createLogger({ level: 'silent' }));
  await db.close();
  await buildEdge();
  const origin = await startOrigin(database.url);
  targets.push(origin);
  for (let index = 0; index < 50; index++) {
    const response = await fetch(`${origin.url}/api/v2/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        firstName: 'Bench',
        lastName: `User${index}`,
        email: `bench${index}@example.com`,
      }),
    });
    if (response.status !== 201) throw new Error(`seeding failed: ${response.status}`);
  }
  targets.push(await startHaproxy(origin.url, dir));
  for (const runtime of RUNTIMES) targets.push(await startEdgeRuntime(runtime, origin.url));

  process.stdout.write(
    `GET ${PATH} (50 users, PostgreSQL), ${CONNECTIONS} wrk connections, ${ROUNDS} rounds of ${DURATION_S} s\n`,
  );
  for (const target of targets) await load(`${target.url}${PATH}`, WARM_UP_S);
  const results = new Map<string, Run[]>(targets.map((target) => [target.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 === 0 ? [...targets].reverse() : targets;
    for (const target of order) {
      const result = await load(`${target.url}${PATH}`, DURATION_S);
      results.get(target.name)?.push(result);
      process.stdout.write(
        `round ${round}  ${target.name.padEnd(8)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms\n`,
      );
    }
  }
  const direct = results.get('direct') as Run[];
  process.stdout.write(
    '\n| Path | req/s vs direct | p50 added | p99 added | p50 | p99 |\n| --- | --- | --- | --- | --- | --- |\n',
  );
  for (const target of targets) {
    const runs = results.get(target.name) as Run[];
    const perRound = runs.map((result, index) => ({ result, floor: direct[index] as Run }));
    const ratio = median(perRound.map(({ result, floor }) => result.rps / floor.rps));
    const addedP50 = median(perRound.map(({ result, floor }) => result.p50Ms - floor.p50Ms));
    const addedP99 = median(perRound.map(({ result, floor }) => result.p99Ms - floor.p99Ms));
    process.stdout.write(
      `| ${target.name} | ${ratio.toFixed(2)} × | ${target.name === 'direct' ? '—' : `+${addedP50.toFixed(2)} ms`} | ${target.name === 'direct' ? '—' : `+${addedP99.toFixed(2)} ms`} | ${median(runs.map((r) => r.p50Ms)).toFixed(2)} ms | ${median(runs.map((r) => r.p99Ms)).toFixed(2)} ms |\n`,
    );
  }
} finally {
  for (const target of [...targets].reverse()) await stop(target.child);
  await rm(dir, { recursive: true, force: true });
  await database.drop();
}
