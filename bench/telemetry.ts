// `npm run bench:telemetry`: what telemetry costs on a database-backed GET. The real app runs as
// processes (app/main.ts) against real PostgreSQL, one per mode:
//   off: no tracing (no OTLP endpoint: the SDK is not built), LOG_LEVEL=silent;
//   on:  every request traced and exported over OTLP/HTTP (JSON, the default) to a receiver in
//        this process, one JSON log line per request, /metrics scraped every second;
//   logs, traces (with BENCH_MODES=logs,traces,on): one of the two alone.
// Request metrics are recorded in all (they cannot be switched off). Load: wrk (Debian's package:
// a separate C process, so the load generator does not share an app's event loop).
//
// A shared VM drifts: the app's CPU time per request moved between 274 and 452 µs from one 4-s
// window to the next within one process, more than the effect measured. So every mode's app runs
// for the whole bench, warmed up once, and is loaded in many short rounds (30 × 2 s) with the
// order alternating (off, on, on, off, …); the figure is the median of each round's ratio to
// `off`, so that a slow spell lands on both sides of a ratio and an odd round drops out. By default
// each app is loaded alone with all the connections (req/s of one instance); BENCH_LAYOUT=
// side-by-side loads them at once instead, each under its own wrk: both then saturate the shared
// cores, and their req/s ratio is the ratio of their CPU cost per request, background threads
// included (what a CPU-limited pod pays).
// Prints req/s and each app's CPU time per request (from /proc), per round and as medians; the
// target is at most 15% fewer requests/s with telemetry on. Not part of CI.
import { join } from 'node:path';
import { freePort } from '../test/support/ports.ts';
import {
  load as loadServer,
  median,
  type Run,
  type Server,
  startOtlpSink,
  startServer,
} from './support/load.ts';
import { createMigratedScratchDatabase } from './support/scratch-database.ts';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const WARM_UP_S = 3;
const SIDE_BY_SIDE = process.env.BENCH_LAYOUT === 'side-by-side';
const CONNECTIONS = 32;
const MAIN = join(import.meta.dirname, '../app/main.ts');

const startApp = (env: Record<string, string>): Promise<Server> =>
  startServer('myapp', [process.execPath, MAIN], env, { readyPath: '/ready' });

const load = (target: string, seconds: number, pid: number, connections: number): Promise<Run> =>
  loadServer({ pid }, target, { seconds, connections });

type Mode = 'off' | 'logs' | 'traces' | 'on';

interface Running {
  mode: Mode;
  target: string;
  pid: number;
  stop(): Promise<void>;
}

async function startMode(mode: Mode, databaseUrl: string, sinkUrl: string): Promise<Running> {
  const metricsPort = await freePort();
  const logs = mode === 'on' || mode === 'logs';
  const traces = mode === 'on' || mode === 'traces';
  const app = await startApp({
    DATABASE_URL: databaseUrl,
    DB_POOL_MAX: '10',
    RATE_LIMITS: 'v1=0',
    DRAIN_DELAY_MS: '0',
    METRICS_PORT: String(metricsPort),
    LOG_LEVEL: logs ? 'info' : 'silent',
    ...(traces ? { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl } : {}),
  });
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
  return {
    mode,
    target: `${app.url}/api/v1/users?limit=20`,
    pid: app.pid,
    async stop() {
      clearInterval(scraper);
      await app.stop();
    },
  };
}

/** Loads each app alone with every connection, one after the other, in `order`. */
async function measureInTurn(order: Running[]): Promise<Map<Mode, Run>> {
  const runs = new Map<Mode, Run>();
  for (const app of order) {
    runs.set(app.mode, await load(app.target, DURATION_S, app.pid, CONNECTIONS));
  }
  return runs;
}

/** Loads every app at once, each under its own wrk with a share of the connections. */
async function measureSideBySide(running: Running[]): Promise<Map<Mode, Run>> {
  const connections = Math.max(8, Math.round(CONNECTIONS / running.length));
  const runs = await Promise.all(
    running.map((app) => load(app.target, DURATION_S, app.pid, connections)),
  );
  return new Map(running.map((app, index) => [app.mode, runs[index] as Run]));
}

const database = await createMigratedScratchDatabase('myapp_bench');
const sink = await startOtlpSink();
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
  await seeder.stop();

  // `off` always runs: every other mode is compared with it.
  const requested = (process.env.BENCH_MODES ?? 'on').split(',') as Mode[];
  const modes: Mode[] = ['off', ...requested.filter((mode) => mode !== 'off')];
  process.stdout.write(
    `GET /api/v1/users?limit=20 (50 users, PostgreSQL); modes ${modes.join(', ')} ${SIDE_BY_SIDE ? `side by side, ${Math.max(8, Math.round(CONNECTIONS / modes.length))} wrk connections each` : `in turn, ${CONNECTIONS} wrk connections`}; ${ROUNDS} rounds of ${DURATION_S} s\n`,
  );
  // Every app runs for the whole bench: warmed up once (JIT, pool, caches), then loaded in short
  // interleaved rounds, so that a slow spell of the machine lands on every mode alike.
  const running: Running[] = [];
  const results: Record<Mode, Run[]> = { off: [], logs: [], traces: [], on: [] };
  try {
    for (const mode of modes) running.push(await startMode(mode, database.url, sink.url));
    for (const app of running) await load(app.target, WARM_UP_S, app.pid, CONNECTIONS);
    for (let round = 1; round <= ROUNDS; round++) {
      // The order alternates (off, on, on, off, …): a machine getting slower or faster during the
      // round then favours neither side.
      const order = round % 2 === 0 ? [...running].reverse() : running;
      const runs = await (SIDE_BY_SIDE ? measureSideBySide(order) : measureInTurn(order));
      for (const mode of modes) {
        const result = runs.get(mode) as Run;
        results[mode].push(result);
        process.stdout.write(
          `round ${round}  telemetry ${mode.padEnd(6)}  ${result.rps.toFixed(0).padStart(5)} req/s  ${result.cpuPerRequest.toFixed(0).padStart(4)} µs app CPU/request\n`,
        );
      }
    }
  } finally {
    for (const app of running) await app.stop();
  }
  // Ratios within a round: the modes ran over the same seconds, so a slow spell of the machine
  // hits both sides of the ratio. The median over rounds then drops the odd round out.
  const ratioToOff = (mode: Mode, figure: (run: Run) => number) =>
    median(results[mode].map((run, round) => figure(run) / figure(results.off[round] as Run)));
  const rpsRatio = (mode: Mode) => ratioToOff(mode, (run) => run.rps);
  process.stdout.write(
    '\nmode     median req/s  vs off   median app CPU/request  vs off   (medians of per-round ratios)\n',
  );
  for (const mode of modes) {
    const rps = median(results[mode].map((run) => run.rps));
    const cpu = median(results[mode].map((run) => run.cpuPerRequest));
    process.stdout.write(
      `${mode.padEnd(6)}   ${rps.toFixed(0).padStart(12)}  ${rpsRatio(mode).toFixed(3)}   ${cpu.toFixed(0).padStart(18)} µs  ${ratioToOff(mode, (run) => run.cpuPerRequest).toFixed(3)}\n`,
    );
  }
  process.stdout.write(
    `\neverything on: ${((1 - rpsRatio('on')) * 100).toFixed(1)}% fewer req/s than off; target: at most 15%\n`,
  );
  process.stdout.write(`OTLP bytes received: ${sink.bytes()}\n`);
} finally {
  sink.close();
  await database.drop();
}
