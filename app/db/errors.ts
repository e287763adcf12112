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

function isUnavailableCode(code: string): boolean {
  return UNAVAILABLE.has(code) || code.startsWith('08');
}

// SQLSTATE classes start with a digit, or are F0, HV, P0 or XX: never a Node code such as EPERM.
const SQLSTATE = /^(?:[0-9][0-9A-Z]|F0|HV|P0|XX)[0-9A-Z]{3}$/;

/**
 * What a failed query means for the request that made it, for every SQLSTATE:
 * - `unavailable`: the database cannot serve now (down, starting, overloaded, missing, not yet
 *   migrated, read-only after a failover, out of resources); retry later.
 * - `contention`: the transaction lost a deadlock or a serialization check (40P01, 40001); the
 *   same work may well succeed if run again.
 * - `invalid-value`: the database refused a value (class 22: too long, out of range, bad
 *   encoding; a NOT NULL or CHECK constraint): the request's fault.
 * - `conflict`: the write clashes with existing rows (a unique, foreign key or exclusion
 *   constraint the domain did not translate).
 * - `rejected`: any other SQLSTATE (a privilege, a syntax error): the database refused the
 *   statement itself; the request cannot fix it.
 * Undefined: not a database failure.
 */
export type DatabaseFailure =
  | 'unavailable'
  | 'contention'
  | 'invalid-value'
  | 'conflict'
  | 'rejected';

function failureOf(code: string): DatabaseFailure | undefined {
  if (isUnavailableCode(code)) return 'unavailable';
  if (!SQLSTATE.test(code)) return undefined;
  if (code === '40001' || code === '40P01') return 'contention';
  if (code.startsWith('22') || code === '23502' || code === '23514') return 'invalid-value';
  if (code.startsWith('23')) return 'conflict';
  if (
    // 3D000 database missing, 42P01/42703/42883 table, column or function missing: a database
    // that is not (yet) migrated for this build; 28: credentials refused (a rotated secret).
    ['3D000', '42P01', '42703', '42883', '25006', '55P03', '57014', '55006'].includes(code) ||
    /^(?:28|53|54|57|58|XX|F0|HV)/.test(code)
  )
    return 'unavailable';
  return 'rejected';
}

export function databaseFailure(error: unknown): DatabaseFailure | undefined {
  for (const entry of codesOf(error)) {
    const failure = entry.code === undefined ? undefined : failureOf(entry.code);
    if (failure) return failure;
  }
  return undefined;
}

/** The SQLSTATE (or driver code) of a database failure, for metric labels and logs. */
export function databaseErrorCode(error: unknown): string | undefined {
  return codesOf(error).find((entry) => entry.code !== undefined && failureOf(entry.code))?.code;
}
