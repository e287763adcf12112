// JSON logs to stdout with pino. Lines are written asynchronously (sonic-boom) so logging
// never blocks the event loop on a slow terminal or pipe; `flush()` runs before exit.
import pino, { type DestinationStream, type Logger } from 'pino';
import { createRedactor } from './redact.ts';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  destination?: DestinationStream;
  /** More field names to censor (LOG_REDACT: personal fields), on top of the built-in secrets. */
  redact?: readonly string[];
}

/** Credentials must never reach a log line, whatever an error object happens to carry. */
const SECRET_FIELDS = [
  'password',
  'token',
  'secret',
  'authorization',
  'cookie',
  'set-cookie',
  'databaseUrl',
];

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ fd: 1, sync: false });
  const redact = createRedactor([...SECRET_FIELDS, ...(options.redact ?? [])]);
  return pino(
    {
      level: options.level,
      base: { service: 'myapp' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // Child-logger bindings are not passed through here (pino's rule); the app binds only
        // ids to children (request_id, trace_id, span_id).
        log: redact,
      },
    },
    destination,
  );
}
