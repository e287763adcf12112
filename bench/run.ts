// `npm run bench`: myapp against a bare floor and a conventional peer, side by side in one run.
//
// Servers, each a process on the same PostgreSQL database with the same 2,000 users, answering
// the same requests with the same response bytes (checked before anything is measured):
//   floor    node:http + postgres.js (bench/servers/floor.ts)
//   hono     bare Hono on @hono/node-server + postgres.js (bench/servers/hono-bare.ts)
//   express  Express + pg + winston + prom-client + a request id (bench/peers/express/)
//   myapp configurations: everything on with traces at 10% head sampling; every request traced;
//            the defaults (logs, metrics, rate limits; no tracing); telemetry off.
// Load: wrk, one thread, 50 keep-alive connections, no pipelining; on two cores or more the
// servers run on core 0 and wrk on core 1. Every server is warmed up once, then loaded in many
// short rounds whose order alternates, so a slow spell of a shared machine lands on every server
// alike; ratios are taken within a round and their median (and spread) reported. Each server's
// CPU a request is also split by thread: the main thread, V8's GC helpers, libuv's pool and
// myapp's span export worker. The first scenario is run again at half of each server's maximum
// (wrk pacing every connection) for the latency a server shows when it is not saturated.
//
//   BENCH_ROUNDS=8 BENCH_DURATION_S=2 BENCH_SCENARIOS=v1-get,health BENCH_SERVERS=floor,myapp
//   BENCH_COMPARE_ROOT=../other-checkout also runs that checkout's myapp in every mode (`@compare`),
//   for before/after ratios taken in one run.
import { join } from 'node:path';
import {
  findWrk,
  load,
  median,
  pinning,
  type Run,
  rssMegabytes,
  type Server,
  startOtlpSink,
  startServer,
  THREAD_ROLES,
} from './support/load.ts';
import { MYAPP_MODES, type MyappMode, startMyapp } from './support/myapp.ts';
import { expressPeerDir } from './support/peers.ts';
import { createMigratedScratchDatabase, seedUsers } from './support/scratch-database.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 2);
const WARM_UP_S = 3;
/** Rounds at half load: latency figures, steadier than throughput under saturation. */
const PACED_ROUNDS = Math.max(2, Math.ceil(ROUNDS / 2));
const CONNECTIONS = 50;
const USERS = 2_000;
const SCRIPTS = join(import.meta.dirname, 'scripts');

interface Scenario {
  id: string;
  title: string;
  /** A request whose answer every server must give with the same bytes. */
  sample: string;
  /** wrk's target path, or a Lua script with its environment. */
  path: string;
  script?: string;
  env?: Record<string, string>;
  /** Only myapp serves it (the baselines do not implement it). */
  myappOnly?: boolean;
  /** Also loaded at half of each server's maximum (paced, not saturating) for its latency. */
  atHalfLoad?: boolean;
}

const SCENARIOS: Scenario[] = [
  {
    id: 'v1-get',
    title: 'GET /api/v1/users/:id',
    sample: '/api/v1/users/7',
    path: '/',
    script: 'random-user.lua',
    env: { BENCH_PATH: '/api/v1/users/', BENCH_USERS: String(USERS) },
    atHalfLoad: true,
  },
  {
    id: 'v2-get',
    title: 'GET /api/v2/users/:id',
    sample: '/api/v2/users/7',
    path: '/',
    script: 'random-user.lua',
    env: { BENCH_PATH: '/api/v2/users/', BENCH_USERS: String(USERS) },
  },
  {
    id: 'v1-list',
    title: 'GET /api/v1/users?limit=20',
    sample: '/api/v1/users?limit=20',
    path: '/api/v1/users?limit=20',
  },
  {
    id: 'v1-create',
    title: 'POST /api/v1/users',
    sample: '',
    path: '/',
    script: 'create-user.lua',
  },
  {
    id: 'recommendations',
    title: 'GET /api/v2/users/:id/recommendations (flag on)',
    sample: '',
    path: '/',
    script: 'random-user.lua',
    env: { BENCH_PATH: '/api/v2/users/', BENCH_SUFFIX: '/recommendations', BENCH_USERS: '2000' },
    myappOnly: true,
  },
  { id: 'health', title: 'GET /health', sample: '/health', path: '/health' },
];

interface Contender {
  name: string;
  myapp: boolean;
  start(databaseUrl: string): Promise<Server>;
}

function myapp(mode: MyappMode, sink: string, root?: string): Contender {
  const name = `myapp ${mode}${root ? ' @compare' : ''}`;
  return {
    name,
    myapp: true,
    start: (databaseUrl) => startMyapp(name, MYAPP_MODES[mode](sink), databaseUrl, { root }),
  };
}

function contenders(sink: string, peerDir: string): Contender[] {
  const baseline = (name: string, argv: string[], cwd?: string): Contender => ({
    name,
    myapp: false,
    start: (databaseUrl) =>
      startServer(name, argv, { DATABASE_URL: databaseUrl, DB_POOL_MAX: '10' }, { cwd }),
  });
  return [
    baseline('floor', [process.execPath, join(import.meta.dirname, 'servers/floor.ts')]),
    baseline('hono', [process.execPath, join(import.meta.dirname, 'servers/hono-bare.ts')]),
    baseline('express', [process.execPath, 'server.mjs'], peerDir),
    ...(Object.keys(MYAPP_MODES) as MyappMode[]).map((mode) => myapp(mode, sink)),
    ...(process.env.BENCH_COMPARE_ROOT
      ? (Object.keys(MYAPP_MODES) as MyappMode[]).map((mode) =>
          myapp(mode, sink, process.env.BENCH_COMPARE_ROOT),
        )
      : []),
  ];
}

/** Every server must answer each scenario's sample with the floor's bytes. */
async function checkSameBytes(servers: Server[], scenarios: Scenario[]): Promise<void> {
  const problems: string[] = [];
  for (const scenario of scenarios) {
    if (!scenario.sample) continue;
    const bodies = await Promise.all(
      servers.map(async (server) => (await fetch(`${server.url}${scenario.sample}`)).text()),
    );
    servers.forEach((server, index) => {
      if (bodies[index] !== bodies[0])
        problems.push(
          `${scenario.sample}: ${server.name} answered ${bodies[index]}, ${servers[0]?.name} ${bodies[0]}`,
        );
    });
  }
  if (problems.length > 0) throw new Error(`not the same response bytes:\n${problems.join('\n')}`);
}

function selected<T extends { id?: string; name?: string }>(
  all: T[],
  variable: string,
  key: (item: T) => string,
): T[] {
  const wanted = process.env[variable]?.split(',');
  return wanted ? all.filter((item) => wanted.some((word) => key(item).includes(word))) : all;
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—');

function table(scenario: Scenario, servers: Server[], runs: Map<string, Run[]>): string {
  const ratio = (name: string, base: string, figure: (run: Run) => number) => {
    const own = runs.get(name);
    const other = runs.get(base);
    if (!own || !other) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
    const ratios = own.map((run, round) => figure(run) / figure(other[round] as Run));
    return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
  };
  const lines = [
    `\n### ${scenario.title}\n`,
    '| server | req/s | p50 ms | p99 ms | req/s vs floor (spread) | vs express | CPU µs/req | CPU vs floor |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const server of servers) {
    const own = runs.get(server.name);
    if (!own) continue;
    const vsFloor = ratio(server.name, 'floor', (run) => run.rps);
    const vsExpress = ratio(server.name, 'express', (run) => run.rps);
    const cpuVsFloor = ratio(server.name, 'floor', (run) => run.cpuPerRequest);
    lines.push(
      `| ${server.name} | ${fixed(median(own.map((run) => run.rps)))} | ${fixed(median(own.map((run) => run.p50Ms)), 2)} | ${fixed(median(own.map((run) => run.p99Ms)), 2)} | ${times(vsFloor.median)}${Number.isFinite(vsFloor.median) ? ` (${fixed(vsFloor.min, 2)}–${fixed(vsFloor.max, 2)})` : ''} | ${times(vsExpress.median)} | ${fixed(median(own.map((run) => run.cpuPerRequest)))} | ${times(cpuVsFloor.median)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Each connection's average pause before a request, in whole ms, for `rps` over all connections
 * (a request's own time is small against it at half load).
 */
const paceFor = (rps: number) => Math.max(1, Math.round((CONNECTIONS * 1000) / rps));

function halfLoadTable(
  scenario: Scenario,
  servers: Server[],
  maxRps: Map<string, number>,
  runs: Map<string, Run[]>,
): string {
  const lines = [
    `\n### ${scenario.title} at half of each server's maximum (paced: each connection waits between requests)\n`,
    '| server | its maximum req/s | paced req/s (share of its maximum) | p50 ms | p99 ms |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const server of servers) {
    const own = runs.get(server.name);
    const max = maxRps.get(server.name) ?? Number.NaN;
    if (!own) continue;
    const rps = median(own.map((run) => run.rps));
    lines.push(
      `| ${server.name} | ${fixed(max)} | ${fixed(rps)} (${fixed((100 * rps) / max)}%) | ${fixed(median(own.map((run) => run.p50Ms)), 2)} | ${fixed(median(own.map((run) => run.p99Ms)), 2)} |`,
    );
  }
  return lines.join('\n');
}

/** Where each server's CPU went, by thread role: the main thread, GC helpers, the span worker. */
function threadTable(servers: Server[], runs: Map<string, Run[]>): string {
  const lines = [
    `\nCPU µs a request by thread (medians):\n`,
    `| server | ${THREAD_ROLES.join(' | ')} |`,
    `| --- |${' --- |'.repeat(THREAD_ROLES.length)}`,
  ];
  for (const server of servers) {
    const own = runs.get(server.name);
    if (!own) continue;
    const cells = THREAD_ROLES.map((role) =>
      fixed(median(own.map((run) => run.cpuPerRequestByRole[role])), 1),
    );
    lines.push(`| ${server.name} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

findWrk();
const database = await createMigratedScratchDatabase('myapp_bench');
const sink = await startOtlpSink();
const servers: Server[] = [];
try {
  await seedUsers(database.url, USERS);
  const scenarios = selected(SCENARIOS, 'BENCH_SCENARIOS', (scenario) => scenario.id);
  const chosen = selected(
    contenders(sink.url, await expressPeerDir()),
    'BENCH_SERVERS',
    (c) => c.name,
  );
  const startup = new Map<string, { readyMs: number; idleRss: number }>();
  for (const contender of chosen) {
    const started = performance.now();
    const server = await contender.start(database.url);
    startup.set(server.name, {
      readyMs: performance.now() - started,
      idleRss: await rssMegabytes(server.pid),
    });
    servers.push(server);
  }
  await checkSameBytes(servers, scenarios);
  process.stdout.write(
    `npm run bench: ${USERS} users on PostgreSQL; ${ROUNDS} rounds × ${DURATION_S} s per scenario, wrk -t1 -c${CONNECTIONS}; ${pinning}\n`,
  );
  for (const scenario of scenarios) {
    const loaded = servers.filter(
      (server) =>
        !scenario.myappOnly || chosen.find((contender) => contender.name === server.name)?.myapp,
    );
    const target = (server: Server) => ({
      seconds: DURATION_S,
      connections: CONNECTIONS,
      ...(scenario.script ? { script: join(SCRIPTS, scenario.script) } : {}),
      env: { ...scenario.env, BENCH_RUN_TAG: `${server.pid}-${performance.now().toFixed(0)}` },
    });
    for (const server of loaded)
      await load(server, `${server.url}${scenario.path}`, {
        ...target(server),
        seconds: WARM_UP_S,
      });
    const runs = new Map<string, Run[]>(loaded.map((server) => [server.name, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 0 ? [...loaded].reverse() : loaded;
      for (const server of order)
        runs
          .get(server.name)
          ?.push(await load(server, `${server.url}${scenario.path}`, target(server)));
    }
    process.stdout.write(`${table(scenario, loaded, runs)}\n${threadTable(loaded, runs)}\n`);
    if (!scenario.atHalfLoad) continue;
    const maxRps = new Map(
      [...runs].map(([name, own]) => [name, median(own.map((run) => run.rps))] as const),
    );
    const paced = new Map<string, Run[]>(loaded.map((server) => [server.name, []]));
    for (let round = 1; round <= PACED_ROUNDS; round++) {
      const order = round % 2 === 0 ? [...loaded].reverse() : loaded;
      for (const server of order) {
        const pace = paceFor((maxRps.get(server.name) ?? Number.NaN) / 2);
        const options = target(server);
        paced.get(server.name)?.push(
          await load(server, `${server.url}${scenario.path}`, {
            ...options,
            env: { ...options.env, BENCH_PACE_MS: String(pace) },
          }),
        );
      }
    }
    process.stdout.write(`${halfLoadTable(scenario, loaded, maxRps, paced)}\n`);
  }
  process.stdout.write(
    '\n| server | time to ready ms | RSS idle MB | RSS after load MB |\n| --- | --- | --- | --- |\n',
  );
  for (const server of servers) {
    const { readyMs, idleRss } = startup.get(server.name) ?? {
      readyMs: Number.NaN,
      idleRss: Number.NaN,
    };
    process.stdout.write(
      `| ${server.name} | ${fixed(readyMs)} | ${fixed(idleRss)} | ${fixed(await rssMegabytes(server.pid))} |\n`,
    );
  }
  process.stdout.write(`\nOTLP bytes received: ${sink.bytes()}\n`);
} finally {
  for (const server of servers) await server.stop();
  sink.close();
  await database.drop();
}
