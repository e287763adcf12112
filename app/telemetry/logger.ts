// JSON logs to stdout with pino. Lines are written asynchronously (sonic-boom) so logging
// never blocks the event loop on a slow terminal or pipe; `flush()` runs before exit.
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ fd: 1, sync: false });
  return pino(
    {
      level: options.level,
      base: { service: 'myapp' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Credentials must never reach a log line, whatever an error object happens to carry.
      redact: {
        paths: [
          'password',
          '*.password',
          'authorization',
          '*.authorization',
          'databaseUrl',
          '*.databaseUrl',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
