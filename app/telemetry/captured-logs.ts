// A logger whose JSON lines land in an array, for tests that assert what reaches the log (and
// what must not: personal data, quoted database values).
import { createLogger, type Logger } from './logger.ts';

export function capturedLogs(level = 'info'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level,
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}
