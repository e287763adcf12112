// What a database error means for a caller, whichever driver raised it. Both postgres.js and
// PGlite put the SQLSTATE in `code`; drizzle wraps driver errors, so look down the cause chain.

function codesOf(error: unknown): { code?: string; constraint?: string }[] {
  const found: { code?: string; constraint?: string }[] = [];
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const record = current as {
      code?: unknown;
      constraint?: unknown;
      constraint_name?: unknown;
      cause?: unknown;
    };
    found.push({
      code: typeof record.code === 'string' ? record.code : undefined,
      constraint:
        typeof record.constraint === 'string'
          ? record.constraint
          : typeof record.constraint_name === 'string'
            ? record.constraint_name
            : undefined,
    });
    current = record.cause;
  }
  return found;
}

/** The name of the unique constraint or index a write violated, if that is what failed. */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  return codesOf(error).find((entry) => entry.code === '23505')?.constraint;
}

// Connection-level failures: refused, reset, timed out, server shutting down or starting up,
// too many connections. The request may succeed on retry once the database is back.
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  return codesOf(error).some(
    (entry) =>
      entry.code !== undefined && (UNAVAILABLE.has(entry.code) || entry.code.startsWith('08')),
  );
}
