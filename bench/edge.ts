// `npm run bench:edge`: what the edge tier adds to a request it forwards, per runtime. The real
// app (app/main.ts on PostgreSQL, 50 users) is the origin; GET /api/v2/users?limit=20 is loaded
// through:
//   direct    the origin itself: the floor;
//   haproxy   a conventional reverse proxy in front of it (Debian's haproxy): the peer;
//   workerd, deno, bun   the edge bundle (scripts/edge/build.ts) under each runtime.
// With bench/support/load.ts: wrk, keep-alive, no pipelining, servers pinned apart from wrk where
// there are two cores. Every target runs for the whole bench, warmed up once, then is loaded in
// short rounds whose order alternates, so a slow spell of a shared machine lands on all alike;
// each figure is the median over rounds of its ratio (req/s) or difference (p50, p99) to `direct`
// in the same round. CPU/request is the proxy's own (the edge runtime's, haproxy's). Not in CI.
//
//   BENCH_ROUNDS (8)  BENCH_DURATION_S (2)  BENCH_CONNECTIONS (16)  BENCH_RUNTIMES (workerd,deno,bun)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEdge } from '../scripts/edge/build.ts';
import { edgeCommand } from '../scripts/edge/command.ts';
import { type EdgeRuntime, ensureRuntime } from '../scripts/tools/edge-runtimes-install.ts';
import { findTool } from '../test/support/tools.ts';
import { load, median, pinning, type Run, type Server, startServer } from './support/load.ts';
import { createMigratedScratchDatabase } from './support/scratch-database.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const RUNTIMES = (process.env.BENCH_RUNTIMES ?? 'workerd,deno,bun').split(',') as EdgeRuntime[];
const WARM_UP_S = 3;
const PATH = '/api/v2/users?limit=20';
const MAIN = join(import.meta.dirname, '../app/main.ts');

/** A command run through sh, so its arguments can name the PORT startServer picks. */
function throughShell(args: readonly string[]): string[] {
  const word = (arg: string) =>
    arg.includes('$PORT') ? `"${arg}"` : `'${arg.replaceAll("'", "'\\''")}'`;
  return ['sh', '-c', `exec ${args.map(word).join(' ')}`];
}

async function startHaproxy(origin: string, dir: string): Promise<Server> {
  const haproxy = findTool('haproxy');
  if (!haproxy) throw new Error('haproxy is not installed: apt-get install haproxy');
  const config = join(dir, 'haproxy.cfg');
  const upstream = new URL(origin);
  // haproxy reads "${PORT}" from its environment.
  await writeFile(
    config,
    `defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
frontend edge
  bind "127.0.0.1:\${PORT}"
  default_backend origin
backend origin
  http-reuse always
  server origin ${upstream.hostname}:${upstream.port}
`,
  );
  return startServer('haproxy', [haproxy, '-db', '-f', config], {});
}

async function startEdgeRuntime(runtime: EdgeRuntime, origin: string): Promise<Server> {
  const binary = await ensureRuntime(runtime, (line) => process.stderr.write(`${line}\n`));
  // PORT itself is startServer's (Bun reads it; the others get it through the shell).
  const {
    args,
    env: { PORT: _port, ...env },
  } = edgeCommand(runtime, binary, '$PORT');
  // Rate limits off and no access log: the edge's own work, as the origin's is measured.
  return startServer(runtime, throughShell(args), {
    ...env,
    HOME: process.env.HOME ?? '/tmp',
    EDGE_ORIGIN_URL: origin,
    RATE_LIMITS: 'v1=0,v2=0',
    LOG_LEVEL: 'silent',
  });
}

const database = await createMigratedScratchDatabase('myapp_bench_edge');
const dir = await mkdtemp(join(tmpdir(), 'myapp-bench-edge-'));
const targets: Server[] = [];
try {
  await buildEdge();
  const origin = await startServer(
    'direct',
    [process.execPath, MAIN],
    {
      METRICS_PORT: '0',
      DATABASE_URL: database.url,
      DB_POOL_MAX: '10',
      RATE_LIMITS: 'v1=0,v2=0',
      DRAIN_DELAY_MS: '0',
      LOG_LEVEL: 'silent',
    },
    { readyPath: '/ready' },
  );
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
    `GET ${PATH} (50 users, PostgreSQL), ${CONNECTIONS} wrk connections, ${ROUNDS} rounds of ${DURATION_S} s, ${pinning}\n`,
  );
  const options = { seconds: DURATION_S, connections: CONNECTIONS };
  for (const target of targets)
    await load(target, `${target.url}${PATH}`, { ...options, seconds: WARM_UP_S });
  const results = new Map<string, Run[]>(targets.map((target) => [target.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 === 0 ? [...targets].reverse() : targets;
    for (const target of order) {
      const result = await load(target, `${target.url}${PATH}`, options);
      results.get(target.name)?.push(result);
      process.stdout.write(
        `round ${round}  ${target.name.padEnd(8)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  ${result.cpuPerRequest.toFixed(0)} µs CPU/request\n`,
      );
    }
  }
  const direct = results.get('direct') as Run[];
  process.stdout.write(
    '\n| Path | req/s vs direct | p50 added | p99 added | its CPU/request |\n| --- | --- | --- | --- | --- |\n',
  );
  for (const target of targets) {
    const runs = results.get(target.name) as Run[];
    const against = (pick: (run: Run, floor: Run) => number) =>
      median(runs.map((run, index) => pick(run, direct[index] as Run)));
    const added = (value: number) =>
      target === origin ? '—' : `${value >= 0 ? '+' : ''}${value.toFixed(2)} ms`;
    process.stdout.write(
      `| ${target.name} | ${against((run, floor) => run.rps / floor.rps).toFixed(2)} × | ${added(against((run, floor) => run.p50Ms - floor.p50Ms))} | ${added(against((run, floor) => run.p99Ms - floor.p99Ms))} | ${median(runs.map((run) => run.cpuPerRequest)).toFixed(0)} µs |\n`,
    );
  }
} finally {
  for (const target of [...targets].reverse()) await target.stop();
  await rm(dir, { recursive: true, force: true });
  await database.drop();
}
