// `npm run bench:middleware`: what each of myapp's global middleware costs on the database GET
// (`GET /api/v1/users/:id`, PostgreSQL, 2,000 users). The app is started whole and once per
// middleware without it (bench/servers/myapp-omitting.ts), each a process with the defaults
// (logs, metrics, rate limits; no tracing), plus the whole app tracing 10% of requests; all
// are warmed up, then loaded in short rounds in alternating order (wrk, 50 connections), and
// each variant's CPU time per request is compared with the whole app's in the same round.
// The cost of a middleware is the whole app's CPU per request minus that without it (median
// of the rounds' differences, with their spread).
//   BENCH_ROUNDS=6 BENCH_DURATION_S=2
import { join } from 'node:path';
import {
  findWrk,
  load,
  median,
  pinning,
  type Run,
  type Server,
  startOtlpSink,
} from './support/load.ts';
import { MYAPP_MODES, startMyapp } from './support/myapp.ts';
import { createMigratedScratchDatabase, seedUsers } from './support/scratch-database.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 2);
const WARM_UP_S = 6;
const USERS = 2_000;

interface Variant {
  name: string;
  /** Function names left out of the app. */
  omit: string[];
  tracing?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'whole app', omit: [] },
  { name: 'tracing (10% sampled, exported)', omit: [], tracing: true },
  { name: 'request id', omit: ['requestId'] },
  { name: 'access log', omit: ['accessLog'] },
  // The access log writes through the request's logger, which request telemetry makes.
  { name: 'request telemetry + access log', omit: ['requestTelemetry', 'accessLog'] },
  { name: 'drain (Connection: close)', omit: ['closeConnectionsWhenDraining'] },
  { name: 'security headers', omit: ['securityHeaders'] },
  { name: 'method not allowed', omit: ['methodNotAllowed'] },
  // Without a negotiated version the rate limit has nothing to count against: both go.
  { name: 'versioning (and so rate limit)', omit: ['apiVersioning'] },
  { name: 'rate limit', omit: ['rateLimit'] },
  { name: 'timeout', omit: ['requestTimeout'] },
  { name: 'body limit', omit: ['requestBodyLimit'] },
];

findWrk();
const database = await createMigratedScratchDatabase('myapp_middleware');
const sink = await startOtlpSink();
const servers: { variant: Variant; server: Server; runs: Run[] }[] = [];
try {
  await seedUsers(database.url, USERS);
  for (const variant of VARIANTS) {
    const env = MYAPP_MODES[variant.tracing ? 'all on, traces 10%' : 'defaults (no tracing)'](
      sink.url,
    );
    const server = await startMyapp(variant.name, env, database.url, {
      entry: 'bench/servers/myapp-omitting.ts',
      // A dozen apps share the database: PostgreSQL's 100 connections must hold all their pools.
      env: { MYAPP_OMIT: variant.omit.join(','), DB_POOL_MAX: '5' },
    });
    servers.push({ variant, server, runs: [] });
  }
  const target = {
    connections: 50,
    script: join(import.meta.dirname, 'scripts/random-user.lua'),
    env: { BENCH_PATH: '/api/v1/users/', BENCH_USERS: String(USERS) },
  };
  for (const { server } of servers)
    await load(server, `${server.url}/`, { ...target, seconds: WARM_UP_S });
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const entry of order)
      entry.runs.push(
        await load(entry.server, `${entry.server.url}/`, { ...target, seconds: DURATION_S }),
      );
  }
  const whole = servers[0]?.runs ?? [];
  process.stdout.write(
    `npm run bench:middleware: GET /api/v1/users/:id, ${ROUNDS} rounds × ${DURATION_S} s, wrk -t1 -c50; ${pinning}\n\n` +
      '| middleware | CPU µs/req without it | its cost µs/req (spread) | req/s without it |\n| --- | --- | --- | --- |\n',
  );
  for (const { variant, runs } of servers) {
    const cpu = median(runs.map((run) => run.cpuPerRequest));
    const rps = median(runs.map((run) => run.rps));
    if (variant.omit.length === 0 && !variant.tracing) {
      process.stdout.write(`| (${variant.name}) | ${cpu.toFixed(0)} | — | ${rps.toFixed(0)} |\n`);
      continue;
    }
    // Tracing adds to the whole app; a middleware is what its absence saves.
    const costs = runs.map((run, round) => {
      const base = (whole[round] as Run).cpuPerRequest;
      return variant.tracing ? run.cpuPerRequest - base : base - run.cpuPerRequest;
    });
    process.stdout.write(
      `| ${variant.name} | ${variant.tracing ? '—' : cpu.toFixed(0)} | ${median(costs).toFixed(1)} (${Math.min(...costs).toFixed(0)}…${Math.max(...costs).toFixed(0)}) | ${variant.tracing ? '—' : rps.toFixed(0)} |\n`,
    );
  }
} finally {
  for (const { server } of servers) await server.stop();
  sink.close();
  await database.drop();
}
