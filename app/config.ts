// Every setting comes from the environment and is checked here, once, at startup.
// A bad value stops the process with one message naming every bad variable, so an
// operator fixes the whole deployment in one go instead of one crash per variable.
import { z } from 'zod';

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

/** One entry per environment variable: its schema, default and the README's explanation. */
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
} as const;

type Variables = typeof variables;
type Name = keyof Variables;

export type Config = {
  readonly [K in Name]: z.output<Variables[K]['schema']>;
} & {
  /** Always 1 s above the keep-alive timeout, as Node requires. */
  readonly HEADERS_TIMEOUT_MS: number;
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
  const config = values as Omit<Config, 'HEADERS_TIMEOUT_MS'>;
  if (problems.length === 0 && config.SHUTDOWN_TIMEOUT_MS <= config.DRAIN_DELAY_MS) {
    problems.push(
      `SHUTDOWN_TIMEOUT_MS=${config.SHUTDOWN_TIMEOUT_MS}: expected more than DRAIN_DELAY_MS (${config.DRAIN_DELAY_MS}), or in-flight requests get no time to finish`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...config, HEADERS_TIMEOUT_MS: config.KEEP_ALIVE_TIMEOUT_MS + 1_000 };
}

/** The configuration table for the README, generated so it cannot drift from the code. */
export function configTable(): string {
  const rows = Object.entries(variables).map(
    ([name, variable]) =>
      `| \`${name}\` | ${variable.default === undefined ? '(unset)' : `\`${variable.default}\``} | ${variable.doc} |`,
  );
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
