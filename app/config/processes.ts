// One configuration per process, each of exactly the variables that process reads: a process
// neither validates nor documents another's settings, and what it requires is required by its
// type. The documentation's tables (scripts/generated.ts) list each process's variables.
import { api } from './api.ts';
import { type Check, processConfig } from './compose.ts';
import { database } from './database.ts';
import { edge } from './edge.ts';
import { flags, flagsChecks } from './flags.ts';
import { guard } from './guard.ts';
import { logging } from './logging.ts';
import { type MigrationsConfig, migrations } from './migrations.ts';
import { rateLimit } from './rate-limit.ts';
import { redis } from './redis.ts';
import { release } from './release.ts';
import { type ServerConfig, server, serverChecks } from './server.ts';
import { telemetry } from './telemetry.ts';
import type { ConfigOf } from './variable.ts';

/** The API server: `npm start` (app/main.ts), with its dependencies (app/deps.ts). */
export const apiServerConfig = processConfig(
  'The API server (`npm start`)',
  {
    ...server,
    ...logging,
    ...release,
    ...database,
    ...api,
    ...rateLimit,
    ...redis,
    ...flags,
    ...telemetry,
  },
  [...serverChecks, ...flagsChecks],
);
export type ApiServerConfig = ConfigOf<typeof apiServerConfig.variables>;

/** The edge tier (app/edge.ts): createApp without a database, forwarding to the origin. */
export const edgeTierConfig = processConfig('The edge tier (`app/edge.ts`)', {
  ...edge,
  ...logging,
  ...api,
  ...rateLimit,
});
export type EdgeTierConfig = ConfigOf<typeof edgeTierConfig.variables>;

// A gate window shorter than a few heartbeats would let a live old instance look gone. The
// heartbeat is the API server's; the migration command reads its interval to check the window.
const gateOutlastsHeartbeats: Check<
  MigrationsConfig & Pick<ServerConfig, 'HEARTBEAT_INTERVAL_MS'>
> = (config) =>
  config.CONTRACT_GATE_WINDOW_MS < 3 * config.HEARTBEAT_INTERVAL_MS
    ? `CONTRACT_GATE_WINDOW_MS=${config.CONTRACT_GATE_WINDOW_MS}: expected at least 3 × HEARTBEAT_INTERVAL_MS (${3 * config.HEARTBEAT_INTERVAL_MS}), or one late heartbeat would let contract run under a live instance`
    : undefined;

/** `npm run migrate` (app/db/migrate/cli.ts): the deployment's migration Job. */
export const migrationConfig = processConfig(
  'The migration command (`npm run migrate`)',
  {
    ...database,
    ...migrations,
    HEARTBEAT_INTERVAL_MS: server.HEARTBEAT_INTERVAL_MS,
    ...release,
    LOG_LEVEL: logging.LOG_LEVEL,
  },
  [gateOutlastsHeartbeats],
);
export type MigrationConfig = ConfigOf<typeof migrationConfig.variables>;

/** `npm run lint:migrations` (app/db/migrate/lint/cli.ts): the timeouts it checks files against. */
export const migrationLintConfig = processConfig('The migration lint (`npm run lint:migrations`)', {
  MIGRATION_LOCK_TIMEOUT_MS: migrations.MIGRATION_LOCK_TIMEOUT_MS,
  MIGRATION_STATEMENT_TIMEOUT_MS: migrations.MIGRATION_STATEMENT_TIMEOUT_MS,
  ...release,
});

/** `npm run guard` (app/flags/guard/main.ts): the rollout guard, a process of its own. */
export const guardConfig = processConfig('The rollout guard (`npm run guard`)', {
  ...guard,
  UNLEASH_ENVIRONMENT: flags.UNLEASH_ENVIRONMENT,
  HOST: server.HOST,
  ...logging,
});

/** Every process's configuration, in the documentation's order. */
export const processConfigs = [
  apiServerConfig,
  edgeTierConfig,
  migrationConfig,
  migrationLintConfig,
  guardConfig,
] as const;
