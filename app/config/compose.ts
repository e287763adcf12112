// A process's configuration: the variables it reads (whole groups or single variables of
// them), checked against each other where one bounds another. Every value comes from the
// environment and is checked once, at startup. A bad value stops the process with one message
// naming every bad variable, so an operator fixes the whole deployment in one go instead of one
// crash per variable.
import type { ConfigOf, Variables } from './variable.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** A rule between variables of valid values: the problem, or undefined when it holds. */
export type Check<C> = (config: C) => string | undefined;

export interface ProcessConfig<V extends Variables> {
  /** The process, as the documentation's heading names it. */
  readonly title: string;
  readonly variables: V;
  /** Reads and validates the configuration; throws one ConfigError listing every bad variable. */
  load(env: Env): ConfigOf<V>;
  /**
   * For entries: the configuration, or undefined after printing the one error message to
   * stderr — the caller exits with code 2, the convention for bad usage.
   */
  loadOrReport(env: Env): ConfigOf<V> | undefined;
}

/** Without a default, a schema that refuses `undefined` makes its variable required. */
function required(variable: Variables[string]): boolean {
  return variable.default === undefined && !variable.schema.safeParse(undefined).success;
}

export function processConfig<const V extends Variables>(
  title: string,
  variables: V,
  checks: readonly Check<ConfigOf<V>>[] = [],
): ProcessConfig<V> {
  function load(env: Env): ConfigOf<V> {
    const values: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const [name, variable] of Object.entries(variables)) {
      const raw = env[name] === '' ? undefined : env[name];
      if (raw === undefined && required(variable)) {
        problems.push(`${name}: required`);
        continue;
      }
      const result = variable.schema.safeParse(raw ?? variable.default);
      if (result.success) values[name] = result.data;
      else {
        // A malformed URL may still carry a password: never echo secrets.
        const shown = variable.secret ? '(value hidden)' : JSON.stringify(raw);
        problems.push(`${name}=${shown}: ${result.error.issues[0]?.message}`);
      }
    }
    const config = values as ConfigOf<V>;
    // Rules between variables only once each value is valid, and the first broken one alone.
    for (const check of checks) {
      if (problems.length > 0) break;
      const problem = check(config);
      if (problem) problems.push(problem);
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
  }
  return {
    title,
    variables,
    load,
    loadOrReport(env) {
      try {
        return load(env);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        console.error(error.message);
        return undefined;
      }
    },
  };
}

/** A process's configuration table for the documentation, generated so it cannot drift. */
export function configTable(variables: Variables): string {
  const rows = Object.entries(variables).map(([name, variable]) => {
    const shown = required(variable)
      ? '(required)'
      : variable.default === undefined
        ? '(unset)'
        : `\`${variable.default}\``;
    return `| \`${name}\` | ${shown} | ${variable.doc} |`;
  });
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
