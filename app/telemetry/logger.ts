// JSON logs to stdout with pino. Lines are written asynchronously (sonic-boom) so logging
// never blocks the event loop on a slow terminal or pipe, and in chunks: a write leaves when
// LOG_CHUNK_BYTES have gathered, or within LOG_FLUSH_MS, instead of one write per line (a system
// call handed to libuv's thread pool each time, the costliest part of a request's log line).
// pino writes what is left synchronously when the process exits; `flush()` runs before exit.
import pino, { type DestinationStream, type Logger } from 'pino';
import { databaseErrorFacts } from './error-serializer.ts';
import { createRedactor, SECRET_FIELDS } from './redact.ts';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  destination?: DestinationStream;
  /** More field names to censor (LOG_REDACT: personal fields), on top of the built-in secrets. */
  redact?: readonly string[];
}

/** Bytes gathered before a write: a dozen access-log lines, a page. */
const LOG_CHUNK_BYTES = 4096;
/** The longest a line waits for its chunk to fill: still "at once" for someone tailing logs. */
const LOG_FLUSH_MS = 100;

/**
 * pino's `isoTime`, formatted once per millisecond instead of once per line: under load several
 * lines share a millisecond, and `toISOString()` is the costliest part of a short line.
 */
function isoTimeOncePerMillisecond(): () => string {
  let formattedAt = -1;
  let chunk = '';
  return () => {
    const now = Date.now();
    if (now !== formattedAt) {
      formattedAt = now;
      chunk = `,"time":"${new Date(now).toISOString()}"`;
    }
    return chunk;
  };
}

export function createLogger(options: LoggerOptions): Logger {
  const destination =
    options.destination ??
    pino.destination({
      fd: 1,
      sync: false,
      minLength: LOG_CHUNK_BYTES,
      periodicFlush: LOG_FLUSH_MS,
    });
  const redact = createRedactor([...SECRET_FIELDS, ...(options.redact ?? [])]);
  return pino(
    {
      level: options.level,
      base: { service: 'myapp' },
      timestamp: isoTimeOncePerMillisecond(),
      // Database errors without their values, wherever an error is logged (error-serializer.ts).
      serializers: {
        err: (value: unknown) =>
          value instanceof Error
            ? (databaseErrorFacts(value) ?? pino.stdSerializers.err(value))
            : value,
      },
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
