// Every setting comes from the environment and is checked here, once, at startup.
// A bad value stops the process with one message naming every bad variable, so an
// operator fixes the whole deployment in one go instead of one crash per variable.
import { z } from 'zod';
// Imported rather than read from disk, so the edge bundle (app/edge.ts), which has no file
// system, carries the same release default.
import packageJson from '../package.json' with { type: 'json' };

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, `expected a whole number from ${min} to ${max}`)
        .max(max, `expected a whole number from ${min} to ${max}`),
    );

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(values, { error: `expected one of: ${values.join(', ')}` }));

/** The OTLP encodings the exporter speaks (OTLP/HTTP only: no gRPC). */
const OTLP_PROTOCOLS = ['http/json', 'http/protobuf'] as const;

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'expected a postgres:// or postgresql:// URL');

const DAY_MS = 86_400_000;

/** package.json's version: the release of this build unless RELEASE says otherwise. */
function packageVersion(): string {
  return packageJson.version;
}

/** `a=1,b=2` → { a: parse('1'), b: parse('2') }, once `pattern` has accepted the whole list. */
const keyValueList = <V>(pattern: RegExp, example: string, parse: (value: string) => V) =>
  z
    .string()
    .trim()
    .regex(pattern, `expected a list like ${example}`)
    .transform(
      (value) =>
        Object.fromEntries(
          value
            .split(',')
            .filter((entry) => entry.trim() !== '')
            .map((entry) => {
              const [key = '', raw = ''] = entry.split('=');
              return [key.trim(), parse(raw.trim())];
            }),
        ) as Record<string, V>,
    );

/** `v1=100,v2=1000` → { v1: 100, v2: 1000 }. Which versions exist is the registry's business. */
const rateLimits = keyValueList(
  /^(?:v\d+=\d{1,9}(?:\s*,\s*v\d+=\d{1,9})*)?$/,
  'v1=100,v2=1000',
  Number,
);

/** `new_recommendation_algo=off,x=on` → { new_recommendation_algo: false, x: true }. */
const flagOverrides = keyValueList(
  /^(?:[\w.-]+=(?:on|off)(?:\s*,\s*[\w.-]+=(?:on|off))*)?$/,
  'new_recommendation_algo=off',
  (state) => state === 'on',
);

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s):// URL' });

/** One entry per environment variable: its schema, default and the explanation docs/configuration.md shows. */
const variables = {
  PORT: {
    schema: integer(1, 65_535),
    default: '3000',
    doc: 'TCP port of the HTTP API.',
  },
  HOST: {
    schema: z.string().trim().min(1, 'expected a host name or address'),
    default: '0.0.0.0',
    doc: 'Address the HTTP API listens on.',
  },
  DATABASE_URL: {
    schema: postgresUrl.optional(),
    default: undefined,
    doc: 'PostgreSQL connection URL. Unset: an embedded PGlite database under `DATA_DIR`.',
    secret: true,
  },
  DATA_DIR: {
    schema: z.string().trim().min(1, 'expected a directory path'),
    default: './.data',
    doc: 'Folder of the embedded database (used only without `DATABASE_URL`).',
  },
  DB_POOL_MAX: {
    schema: integer(1, 1_000),
    default: '10',
    doc: 'Most PostgreSQL connections one process opens.',
  },
  DB_CONNECT_TIMEOUT_MS: {
    schema: integer(100, 60_000),
    default: '5000',
    doc: 'How long opening a PostgreSQL connection may take before the request fails with 503.',
  },
  LOG_LEVEL: {
    schema: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    doc: 'Lowest level of log line written to stdout.',
  },
  REQUEST_TIMEOUT_MS: {
    schema: integer(1, 600_000),
    default: '10000',
    doc: 'A request still running after this gets 504, and its database work is cancelled.',
  },
  BODY_LIMIT_BYTES: {
    schema: integer(1, 100 * 1024 * 1024),
    default: String(64 * 1024),
    doc: 'Largest request body accepted; larger ones get 413.',
  },
  READY_DB_TIMEOUT_MS: {
    schema: integer(10, 60_000),
    default: '1000',
    doc: 'How long `/ready` waits for the database before answering 503.',
  },
  DRAIN_DELAY_MS: {
    schema: integer(0, DAY_MS),
    default: '5000',
    doc: 'After SIGTERM, how long `/ready` fails while the server still serves, so load balancers stop sending traffic first.',
  },
  SHUTDOWN_TIMEOUT_MS: {
    schema: integer(1, DAY_MS),
    default: '25000',
    doc: 'Counted from SIGTERM: connections still open then are closed by force. Must exceed `DRAIN_DELAY_MS`.',
  },
  KEEP_ALIVE_TIMEOUT_MS: {
    schema: integer(1_000, DAY_MS),
    default: '65000',
    doc: 'Idle keep-alive connections are closed after this; keep it above the load balancer idle timeout (60 s on most).',
  },
  HEADERS_TIMEOUT_MS: {
    schema: integer(1_000, 600_000),
    default: '10000',
    doc: "A client that has not sent a request's headers within this gets 408 and the connection is closed (slowloris). Counted from the request's first byte: an idle keep-alive connection is not timed by it, so it need not exceed the load balancer's idle timeout.",
  },
  RECEIVE_TIMEOUT_MS: {
    schema: integer(1_000, 3_600_000),
    default: '20000',
    doc: 'A client that has not sent a whole request (headers and body) within this gets a bare 408 from Node. At least `HEADERS_TIMEOUT_MS`; keep it above `REQUEST_TIMEOUT_MS`, so a stalled body gets the 408 problem first.',
  },
  MAX_CONNECTIONS: {
    schema: integer(1, 1_000_000),
    default: '4096',
    doc: 'Open connections one process accepts; past it new ones are closed at once (a socket flood costs a bounded amount of memory). A load balancer in front needs far fewer.',
  },
  MIGRATION_LOCK_TIMEOUT_MS: {
    schema: integer(10, 600_000),
    default: '2000',
    doc: '`lock_timeout` of each migration file, no-transaction statement and backfill batch: DDL queued behind a lock blocks every query behind it, so it gives up after this, rolls back and retries.',
  },
  MIGRATION_STATEMENT_TIMEOUT_MS: {
    schema: integer(100, DAY_MS),
    default: '30000',
    doc: '`statement_timeout` of each migration file, no-transaction statement and backfill batch.',
  },
  MIGRATION_LOCK_RETRIES: {
    schema: integer(0, 1_000),
    default: '8',
    doc: 'Retries, with jittered exponential backoff, after a migration gave up on a lock (SQLSTATE 55P03).',
  },
  MIGRATION_DATABASE_WAIT_MS: {
    schema: integer(0, DAY_MS),
    default: '120000',
    doc: "How long the migration command waits, retrying with a logged backoff, for a database that refuses connections or is starting (the in-chart PostgreSQL starts beside the first install's Job); a wrong password fails at once.",
  },
  BACKFILL_BATCH_SIZE: {
    schema: integer(1, 1_000_000),
    default: '1000',
    doc: 'Rows per backfill batch (one short transaction each), unless the file says `batch=`.',
  },
  BACKFILL_PAUSE_MS: {
    schema: integer(0, 60_000),
    default: '25',
    doc: 'Pause between backfill batches, so replication, vacuum and the app keep up.',
  },
  HEARTBEAT_INTERVAL_MS: {
    schema: integer(100, 3_600_000),
    default: '10000',
    doc: "How often each app instance records its release and a heartbeat in the database (the contract gate's evidence).",
  },
  CONTRACT_GATE_WINDOW_MS: {
    schema: integer(1_000, DAY_MS),
    default: '60000',
    doc: '`npm run migrate -- contract` refuses while an instance of an older release sent a heartbeat within this window (and has not said it stopped). At least 3 × `HEARTBEAT_INTERVAL_MS`.',
  },
  LOG_REDACT: {
    schema: z
      .string()
      .trim()
      .regex(/^(?:[\w-]+(?:\s*,\s*[\w-]+)*)?$/, 'expected field names like email,firstName')
      .transform((value) =>
        value
          .split(',')
          .map((path) => path.trim())
          .filter(Boolean),
      ),
    default: 'email,firstName,lastName,fullName',
    doc: 'Personal fields censored in log lines wherever they appear (field names, comma-separated, any case), on top of the built-in secrets (passwords, tokens, authorization, cookies, database URLs).',
  },
  METRICS_PORT: {
    schema: integer(0, 65_535),
    default: '9464',
    doc: 'TCP port of the Prometheus `/metrics` server, separate from the API so the ingress never routes it (0: any free port).',
  },
  RELEASE: {
    schema: z
      .string()
      .trim()
      .regex(/^[\w.+-]{1,64}$/, 'expected a version such as 1.4.2')
      .optional()
      .transform((value) => value ?? packageVersion()),
    default: undefined,
    doc: 'Version of this build (unset: `version` in package.json): `build_info{version}`, the trace resource `service.version`, the release in heartbeats and migration bookkeeping. The contract gate and the rollback check order releases as semantic versions; anything else counts as older than every release.',
  },
  GIT_COMMIT: {
    schema: z
      .string()
      .trim()
      .regex(/^[\w.-]{1,64}$/, 'expected a commit id'),
    default: 'unknown',
    doc: 'Commit this build was made from: `build_info{commit}`.',
  },
  DEPLOYMENT_COLOUR: {
    schema: z
      .string()
      .trim()
      .regex(/^[a-z0-9-]{1,32}$/, 'expected a colour such as blue'),
    default: 'none',
    doc: 'Blue-green colour of this Deployment (set by the chart): `build_info{colour}`, the trace resource.',
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    schema: z.url({ protocol: /^https?$/, error: 'expected an http(s):// URL' }).optional(),
    default: undefined,
    doc: 'OTLP/HTTP collector base URL; traces go to `<url>/v1/traces`. Unset (and no traces endpoint): tracing is off.',
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    schema: z.url({ protocol: /^https?$/, error: 'expected an http(s):// URL' }).optional(),
    default: undefined,
    doc: 'Full OTLP/HTTP traces URL; wins over `OTEL_EXPORTER_OTLP_ENDPOINT`.',
  },
  OTEL_EXPORTER_OTLP_PROTOCOL: {
    schema: oneOf(OTLP_PROTOCOLS),
    default: 'http/json',
    doc: 'How spans are encoded: `http/json` or `http/protobuf`. JSON is the default here because it costs this app about half the CPU per span (see Benchmarks). gRPC is not supported.',
  },
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: {
    schema: oneOf(OTLP_PROTOCOLS).optional(),
    default: undefined,
    doc: 'The traces encoding; wins over `OTEL_EXPORTER_OTLP_PROTOCOL`.',
  },
  OTEL_EXPORTER_OTLP_HEADERS: {
    schema: z
      .string()
      .trim()
      .regex(/^[^=,]+=[^,]*(?:,[^=,]+=[^,]*)*$/, 'expected key=value pairs separated by commas')
      .optional(),
    default: undefined,
    doc: 'Headers sent with every export (`key=value,…`, values URL-encoded), e.g. an API key.',
    secret: true,
  },
  OTEL_EXPORTER_OTLP_TIMEOUT: {
    schema: integer(1, 600_000),
    default: '10000',
    doc: 'Milliseconds one export may take before it counts as failed.',
  },
  OTEL_SERVICE_NAME: {
    schema: z.string().trim().min(1, 'expected a service name'),
    default: 'myapp',
    doc: 'The trace resource `service.name`.',
  },
  OTEL_TRACES_SAMPLER: {
    schema: oneOf([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ]),
    default: 'parentbased_always_on',
    doc: 'Which requests are traced (the OpenTelemetry sampler names).',
  },
  OTEL_TRACES_SAMPLER_ARG: {
    schema: z
      .string()
      .trim()
      .regex(/^(?:0(?:\.\d+)?|1(?:\.0+)?)$/, 'expected a ratio from 0 to 1')
      .transform(Number),
    default: '1',
    doc: 'The ratio for the `traceidratio` samplers.',
  },
  OTEL_BSP_MAX_QUEUE_SIZE: {
    schema: integer(1, 1_000_000),
    default: '2048',
    doc: 'Most finished spans held for export; more are dropped (and counted in `otel_sdk_spans_dropped_total`) so a dead collector never grows memory.',
  },
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: {
    schema: integer(1, 1_000_000),
    default: '512',
    doc: 'Spans sent in one export. A full batch leaves at once; fewer wait for the schedule delay, so a busy service sends few large exports.',
  },
  OTEL_BSP_SCHEDULE_DELAY: {
    schema: integer(1, 600_000),
    default: '5000',
    doc: 'Milliseconds a finished span waits at most for export when fewer than a batch are queued.',
  },
  API_DEFAULT_VERSION: {
    schema: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^v\d+$/, 'expected an API version id such as v2'),
    default: 'v2',
    doc: 'Version served on unversioned paths (`/api/users`) when the request names none (no `API-Version` header, `version` query parameter or version in `Accept`).',
  },
  API_CLIENT_NAMES: {
    // A metric label's values: a short fixed list keeps the series bounded.
    schema: z
      .string()
      .trim()
      .toLowerCase()
      .regex(
        /^(?:[a-z0-9][a-z0-9._-]{0,39}(?:\s*,\s*[a-z0-9][a-z0-9._-]{0,39}){0,49})?$/,
        'expected up to 50 client names such as web,ios-app,acme-sync',
      )
      .transform((value) =>
        value
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      )
      .refine((names) => !names.includes('other'), '`other` names every unlisted client'),
    default: '',
    doc: 'Client names the API version usage metric tells apart (up to 50), matched against `X-Client-Name`, then the product of `User-Agent` (`acme-sync/2.1` is `acme-sync`); every other client counts as `other`.',
  },
  RATE_LIMITS: {
    schema: rateLimits,
    default: 'v1=100,v2=1000',
    doc: 'Requests per client per window, per API version (`v1=100,v2=1000`; 0 or absent: unlimited).',
  },
  RATE_LIMIT_WINDOW_MS: {
    schema: integer(1_000, DAY_MS),
    default: '60000',
    doc: 'Length of the rate-limit window.',
  },
  TRUST_PROXY_HOPS: {
    schema: integer(0, 10),
    default: '0',
    doc: 'How many proxies in front of the app append to `X-Forwarded-For`; the client address is read that many entries from the right. 0: use the socket address.',
  },
  REDIS_URL: {
    schema: z
      .string()
      .trim()
      .regex(/^rediss?:\/\/\S+$/, 'expected a redis:// or rediss:// URL')
      .optional(),
    default: undefined,
    doc: 'Redis for rate-limit counts shared by every replica. Unset: counted in each process.',
    secret: true,
  },
  REDIS_TIMEOUT_MS: {
    schema: integer(10, 10_000),
    default: '200',
    doc: 'A Redis command slower than this is abandoned and the request is let through (fail open).',
  },
  EDGE_ORIGIN_URL: {
    schema: httpUrl.optional(),
    default: undefined,
    doc: 'Edge tier only (`app/edge.ts`): the container origin every request it cannot answer itself is forwarded to (`http://myapp:80`). Required there; the Node entry ignores it.',
  },
  UNLEASH_URL: {
    schema: httpUrl.optional(),
    default: undefined,
    doc: 'Unleash client API, e.g. `http://unleash:4242/api/`. Unset: flags come from `FLAGS_FILE` alone (offline).',
  },
  UNLEASH_API_TOKEN: {
    schema: z.string().trim().min(1, 'expected an Unleash backend token').optional(),
    default: undefined,
    doc: "Unleash backend (client) API token; required with `UNLEASH_URL`. The token, not `UNLEASH_ENVIRONMENT`, decides which Unleash environment's flags the app gets.",
    secret: true,
  },
  UNLEASH_APP_NAME: {
    schema: z.string().trim().min(1, 'expected an application name'),
    default: 'myapp',
    doc: '`appName` the flag client reports to Unleash and puts in every evaluation context.',
  },
  UNLEASH_ENVIRONMENT: {
    schema: z.string().trim().min(1, 'expected an environment name'),
    default: 'development',
    doc: '`environment` of every evaluation context (for constraints), and the Unleash environment whose strategies the rollout guard changes.',
  },
  UNLEASH_PROJECT: {
    schema: z.string().trim().min(1, 'expected an Unleash project id'),
    default: 'default',
    doc: 'Unleash project of the flags (the rollout guard and `npm run stack` use it).',
  },
  UNLEASH_REFRESH_INTERVAL_MS: {
    schema: integer(200, 3_600_000),
    default: '15000',
    doc: 'How often the flag client polls Unleash (offline: re-reads `FLAGS_FILE`); a change shows up within this plus about a second.',
  },
  UNLEASH_STARTUP_WAIT_MS: {
    schema: integer(0, 60_000),
    default: '2000',
    doc: "How long startup waits for Unleash's first answer. After it the app serves the last known flags (`FLAGS_FILE` on a cold start) and keeps polling; readiness never depends on Unleash.",
  },
  FLAGS_FILE: {
    schema: z.string().trim().min(1, 'expected a file path').optional(),
    default: undefined,
    doc: "Flag definitions in Unleash's client-features format: the whole truth offline, the cold-start bootstrap online. Unset: the committed `app/flags/offline-flags.json`.",
  },
  FLAG_OVERRIDES: {
    schema: flagOverrides,
    default: '',
    doc: 'Emergency overrides that beat Unleash and the file, e.g. `new_recommendation_algo=off`. Names must be in `app/flags/catalog.ts`.',
  },
  UNLEASH_ADMIN_URL: {
    schema: httpUrl.optional(),
    default: undefined,
    doc: "Rollout guard only: Unleash's API base for its Admin API calls, e.g. `http://unleash:4242/api/`.",
  },
  UNLEASH_ADMIN_TOKEN: {
    schema: z.string().trim().min(1, 'expected an Unleash admin token').optional(),
    default: undefined,
    doc: 'Rollout guard only: Unleash admin API token it changes rollouts with. Never give it to the app.',
    secret: true,
  },
  GUARD_PORT: {
    schema: integer(0, 65_535),
    default: '9466',
    doc: 'Rollout guard only: TCP port of its Alertmanager webhook (`POST /alerts`).',
  },
  GUARD_WEBHOOK_TOKEN: {
    schema: z.string().trim().min(16, 'expected at least 16 characters').optional(),
    default: undefined,
    doc: 'Rollout guard only: the bearer token Alertmanager must send (`http_config.authorization`); required.',
    secret: true,
  },
  GUARD_DRY_RUN: {
    schema: oneOf(['true', 'false']).transform((value) => value === 'true'),
    default: 'true',
    doc: 'Rollout guard only: `true` logs what it would do and changes nothing. Watch its audit lines before setting `false`.',
  },
  GUARD_ALERTS: {
    schema: z
      .string()
      .trim()
      .regex(
        /^[A-Za-z_][\w]*(?:\s*,\s*[A-Za-z_][\w]*)*$/,
        'expected alert names separated by commas',
      )
      .transform((value) => value.split(',').map((name) => name.trim())),
    default: 'MyappFlagVariantErrorBudgetBurn',
    doc: 'Rollout guard only: the alerts it acts on. Each firing alert must carry a `feature_flag_key` label naming a flag of `app/flags/catalog.ts`.',
  },
  GUARD_ROLLOUT_STEPS: {
    schema: z
      .string()
      .trim()
      .regex(/^\d{1,2}(?:\s*,\s*\d{1,2})*$/, 'expected percentages below 100 such as 50,25,10')
      .transform((value) => value.split(',').map(Number))
      .refine(
        (steps) => steps.every((step) => step >= 1 && step <= 99),
        'expected percentages from 1 to 99',
      ),
    default: '50,25,10',
    doc: 'Rollout guard only: the rollout percentages it steps down through; below the lowest it turns the flag off in `UNLEASH_ENVIRONMENT`.',
  },
  GUARD_COOLDOWN_MS: {
    schema: integer(0, DAY_MS),
    default: '600000',
    doc: 'Rollout guard only: at most one step per flag per this long, so the burn rate can answer the last step before the next (Alertmanager repeats its notifications).',
  },
  GUARD_CANARY_ALERTS: {
    schema: z
      .string()
      .trim()
      .regex(
        /^(?:[A-Za-z_][\w]*(?:\s*,\s*[A-Za-z_][\w]*)*)?$/,
        'expected alert names separated by commas, or nothing',
      )
      .transform((value) => (value ? value.split(',').map((name) => name.trim()) : [])),
    default: 'AvailabilityCanaryErrorBudgetBurn,LatencyCanaryErrorBudgetBurn',
    doc: 'Rollout guard only: the per-colour canary alerts on which it takes the canary weight to 0 (with `GUARD_HELM_RELEASE`). Each must carry a `colour` label.',
  },
  GUARD_HELM_RELEASE: {
    schema: z
      .string()
      .trim()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a Helm release name')
      .optional(),
    default: undefined,
    doc: 'Rollout guard only: the Helm release whose canary it rolls back (`helm upgrade … --set blueGreen.step=deploy --set blueGreen.canaryWeight=0`). Unset: no canary action. Needs `helm` on PATH and rights to upgrade the release.',
  },
  GUARD_HELM_NAMESPACE: {
    schema: z
      .string()
      .trim()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a Kubernetes namespace'),
    default: 'default',
    doc: 'Rollout guard only: the namespace of `GUARD_HELM_RELEASE`.',
  },
  GUARD_HELM_CHART: {
    schema: z.string().trim().min(1, 'expected a chart path or reference'),
    default: './chart',
    doc: "Rollout guard only: the chart `helm upgrade` uses for the canary rollback; it must be the deployed chart's version (the guard refuses otherwise).",
  },
} as const;

type Variables = typeof variables;
type Name = keyof Variables;

/** Every variable's name: the edge's workerd configuration binds each from the environment. */
export const CONFIG_VARIABLES = Object.keys(variables) as Name[];

export type Config = {
  readonly [K in Name]: z.output<Variables[K]['schema']>;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Reads and validates the configuration; throws one ConfigError listing every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, variable] of Object.entries(variables) as [Name, Variables[Name]][]) {
    const raw = env[name] === '' ? undefined : env[name];
    const result = variable.schema.safeParse(raw ?? variable.default);
    if (result.success) values[name] = result.data;
    else {
      // A malformed URL may still carry a password: never echo secrets.
      const shown = 'secret' in variable ? '(value hidden)' : JSON.stringify(raw);
      problems.push(`${name}=${shown}: ${result.error.issues[0]?.message}`);
    }
  }
  const config = values as Config;
  if (problems.length === 0 && config.SHUTDOWN_TIMEOUT_MS <= config.DRAIN_DELAY_MS) {
    problems.push(
      `SHUTDOWN_TIMEOUT_MS=${config.SHUTDOWN_TIMEOUT_MS}: expected more than DRAIN_DELAY_MS (${config.DRAIN_DELAY_MS}), or in-flight requests get no time to finish`,
    );
  }
  // A window shorter than a few heartbeats would let a live old instance look gone.
  if (problems.length === 0 && config.CONTRACT_GATE_WINDOW_MS < 3 * config.HEARTBEAT_INTERVAL_MS) {
    problems.push(
      `CONTRACT_GATE_WINDOW_MS=${config.CONTRACT_GATE_WINDOW_MS}: expected at least 3 × HEARTBEAT_INTERVAL_MS (${3 * config.HEARTBEAT_INTERVAL_MS}), or one late heartbeat would let contract run under a live instance`,
    );
  }
  // Node refuses a server whose headers timeout exceeds its request timeout.
  if (problems.length === 0 && config.RECEIVE_TIMEOUT_MS < config.HEADERS_TIMEOUT_MS) {
    problems.push(
      `RECEIVE_TIMEOUT_MS=${config.RECEIVE_TIMEOUT_MS}: expected at least HEADERS_TIMEOUT_MS (${config.HEADERS_TIMEOUT_MS})`,
    );
  }
  if (problems.length === 0 && config.UNLEASH_URL && !config.UNLEASH_API_TOKEN) {
    problems.push('UNLEASH_API_TOKEN: required when UNLEASH_URL is set (an Unleash backend token)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The configuration table of docs/configuration.md, generated so it cannot drift from the code. */
export function configTable(): string {
  const rows = Object.entries(variables).map(
    ([name, variable]) =>
      `| \`${name}\` | ${variable.default === undefined ? '(unset)' : `\`${variable.default}\``} | ${variable.doc} |`,
  );
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/**
 * For entries (server, CLIs): the configuration, or undefined after printing the one error
 * message to stderr — the caller exits with code 2, the convention for bad usage.
 */
export function loadConfigOrReport(
  env: Readonly<Record<string, string | undefined>>,
): Config | undefined {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return undefined;
  }
}
