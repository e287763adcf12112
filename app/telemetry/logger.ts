// JSON logs to stdout with pino. Lines are written asynchronously (sonic-boom) so logging
// never blocks the event loop on a slow terminal or pipe; `flush()` runs before exit.
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  destination?: DestinationStream;
  /** More paths to censor (LOG_REDACT: personal fields), on top of the built-in secrets. */
  redact?: readonly string[];
}

/** Credentials must never reach a log line, whatever an error object happens to carry. */
const SECRET_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  '*["set-cookie"]',
  'databaseUrl',
  '*.databaseUrl',
];

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ fd: 1, sync: false });
  return pino(
    {
      level: options.level,
      base: { service: 'myapp' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [...new Set([...SECRET_PATHS, ...(options.redact ?? [])])],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
