// JSON log lines through `console.log`, for the edge runtimes: workerd, Deno and Bun all send it
// to stdout (workerd: with `--verbose`, or to its tail workers). The line's shape is pino's, as
// the Node entry writes it — time, level label, service, bindings, fields, msg — so one log
// pipeline reads both tiers; secrets are censored the same way.
import type { LineLogger } from './line-logger.ts';
import { createRedactor, SECRET_FIELDS } from './redact.ts';

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
type Level = keyof typeof LEVELS;

export interface ConsoleLoggerOptions {
  /** pino's level names; `silent` logs nothing. */
  level: string;
  redact?: readonly string[];
  /** Where a finished line goes; console.log by default (tests collect lines). */
  write?: (line: string) => void;
}

/** pino's `err` serializer, in short: an Error becomes its type, message and stack. */
function serialise(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return { type: value.name, message: value.message, stack: value.stack };
}

export function createConsoleLogger(options: ConsoleLoggerOptions): LineLogger {
  const threshold =
    options.level in LEVELS ? LEVELS[options.level as Level] : Number.POSITIVE_INFINITY;
  const redact = createRedactor([...SECRET_FIELDS, ...(options.redact ?? [])]);
  // biome-ignore lint/suspicious/noConsole: on the edge runtimes the console is stdout.
  const write = options.write ?? ((line: string) => console.log(line));

  const make = (bindings: Record<string, unknown>): LineLogger => {
    const method =
      (level: Level) =>
      (objectOrMessage: unknown, message?: string): void => {
        if (LEVELS[level] < threshold) return;
        const fields =
          typeof objectOrMessage === 'object' && objectOrMessage !== null
            ? Object.fromEntries(
                Object.entries(redact(objectOrMessage as Record<string, unknown>)).map(
                  ([key, value]) => [key, serialise(value)],
                ),
              )
            : {};
        const msg = typeof objectOrMessage === 'string' ? objectOrMessage : message;
        write(
          JSON.stringify({
            level,
            time: new Date().toISOString(),
            service: 'myapp',
            ...bindings,
            ...fields,
            ...(msg === undefined ? {} : { msg }),
          }),
        );
      };
    return {
      debug: method('debug'),
      info: method('info'),
      warn: method('warn'),
      error: method('error'),
      fatal: method('fatal'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return make({});
}
