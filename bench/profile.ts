// `npm run bench:profile`: a CPU profile of myapp under load, summarised. Starts myapp with
// `node --cpu-prof` on a bench database (2,000 users), warms it up, loads one scenario with wrk
// (50 connections) and prints where the time went: by function (self and total) and by module,
// also per request. CPU profiles stay meaningful on a busy machine: they give proportions.
//   BENCH_MODE='all on, traces 10%' (a mode of bench/support/myapp.ts)
//   BENCH_PATH=/api/v1/users/ (random ids appended) BENCH_DURATION_S=10 BENCH_TOP=30
//   BENCH_PROFILE_DIR=… keeps the .cpuprofile there (else a temporary folder, removed)
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attribute, formatSummary, summarise } from './support/cpu-profile.ts';
import { findWrk, load, pinning, startOtlpSink, startServer } from './support/load.ts';
import { MYAPP_MODES, type MyappMode, startMyapp } from './support/myapp.ts';
import { createMigratedScratchDatabase, seedUsers } from './support/scratch-database.ts';

const USERS = 2_000;
/** myapp's global middleware, by function name (app/app.ts). */
const MIDDLEWARE = [
  'requestId',
  'requestTelemetry',
  'accessLog',
  'closeConnectionsWhenDraining',
  'securityHeaders',
  'methodNotAllowed',
  'apiVersioning',
  'rateLimit',
  'requestTimeout',
  'requestBodyLimit',
];
/** A mode of myapp's, or `floor` (bench/servers/floor.ts) to see what the floor spends. */
const MODE = (process.env.BENCH_MODE ?? 'all on, traces 10%') as MyappMode | 'floor';
const PATH = process.env.BENCH_PATH ?? '/api/v1/users/';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
/** Long enough for V8 to have optimised the hot path: the first seconds cost half as much again. */
const WARM_UP_S = 8;
const TOP = Number(process.env.BENCH_TOP ?? 30);
if (MODE !== 'floor' && !(MODE in MYAPP_MODES))
  throw new Error(`BENCH_MODE: one of ${Object.keys(MYAPP_MODES).join(', ')}`);

findWrk();
const keep = process.env.BENCH_PROFILE_DIR;
const dir = keep ?? (await mkdtemp(join(tmpdir(), 'myapp-profile-')));
const database = await createMigratedScratchDatabase('myapp_profile');
const sink = await startOtlpSink();
try {
  await seedUsers(database.url, USERS);
  const nodeArgs = ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '250'];
  const spawned = performance.now();
  const server =
    MODE === 'floor'
      ? await startServer(
          'floor',
          [process.execPath, ...nodeArgs, join(import.meta.dirname, 'servers/floor.ts')],
          { DATABASE_URL: database.url, DB_POOL_MAX: '10' },
        )
      : await startMyapp(`myapp ${MODE}`, MYAPP_MODES[MODE](sink.url), database.url, {
          nodeArgs,
        });
  const target = {
    connections: 50,
    script: join(import.meta.dirname, 'scripts/random-user.lua'),
    env: { BENCH_PATH: PATH, BENCH_USERS: String(USERS) },
  };
  let requests = 0;
  let skipMs = 0;
  try {
    await load(server, `${server.url}/`, { ...target, seconds: WARM_UP_S });
    // The profile starts with the process: start-up and warm-up are left out of the summary.
    skipMs = performance.now() - spawned;
    const run = await load(server, `${server.url}/`, { ...target, seconds: DURATION_S });
    process.stdout.write(
      `myapp ${MODE}, GET ${PATH}:id, ${DURATION_S} s: ${run.rps.toFixed(0)} req/s, ${run.cpuPerRequest.toFixed(0)} µs CPU/req (${pinning})\n`,
    );
    requests = Math.round(run.rps * DURATION_S);
  } finally {
    await server.stop();
  }
  const [file] = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written to ${dir}`);
  const profile = JSON.parse(await readFile(join(dir, file), 'utf8'));
  process.stdout.write(`${formatSummary(summarise(profile, skipMs), TOP, requests)}\n`);
  if (MODE !== 'floor') {
    const owned = attribute(profile, new Set([...MIDDLEWARE, 'dispatch']), skipMs);
    const sampled = [...owned.values()].reduce((sum, ms) => sum + ms, 0);
    process.stdout.write(
      '\nby middleware (its own work and what it calls, not the chain after it):\n',
    );
    for (const [owner, ms] of [...owned].sort((a, b) => b[1] - a[1]))
      process.stdout.write(
        `  ${((ms / sampled) * 100).toFixed(1).padStart(5)}% ${((ms * 1000) / requests).toFixed(1).padStart(6)} µs/req  ${owner === 'dispatch' ? 'routing and the handler (Hono dispatch)' : owner}\n`,
      );
  }
  if (keep) process.stdout.write(`\nprofile: ${join(dir, file)}\n`);
} finally {
  sink.close();
  await database.drop();
  if (!keep) await rm(dir, { recursive: true, force: true });
}
