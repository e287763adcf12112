// How an error becomes the `err` field of a log line. Field-name redaction (redact.ts) cannot
// reach personal values inside an error's TEXT: drizzle's DrizzleQueryError puts every bound
// parameter in its message ("Failed query: … params: Ada,Lovelace,ada@example.com"), its stack's
// first line and its `params`, and PostgreSQL's own messages and details quote values too
// (`invalid input syntax for type integer: "…"`, `Key (lower(email))=(…) already exists`).
// So a chain holding a database error is logged by its facts only: SQLSTATE, severity,
// constraint, table, column, the statement's operation and the stack frames; every message and
// parameter is dropped. Other errors keep the logger's standard serialisation (logger.ts). No
// import here: the edge bundle's request telemetry uses spanSafeError too.

type ErrorRecord = Error & Record<string, unknown>;

const SQLSTATE = /^[0-9A-Z]{5}$/;

function isQueryError(error: ErrorRecord): boolean {
  return typeof error.query === 'string' && Array.isArray(error.params);
}

/** A PostgreSQL server error: postgres.js and PGlite both carry the SQLSTATE and a severity. */
function isServerError(error: ErrorRecord): boolean {
  return typeof error.code === 'string' && SQLSTATE.test(error.code) && 'severity' in error;
}

function chainOf(error: ErrorRecord): ErrorRecord[] {
  const chain: ErrorRecord[] = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 5 && !chain.includes(current as ErrorRecord)) {
    chain.push(current as ErrorRecord);
    current = current.cause;
  }
  return chain;
}

/** The frames of a stack without its first line(s), which repeat the message. */
function frames(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  return stack
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .join('\n');
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function safeFacts(error: ErrorRecord): Record<string, unknown> {
  // drizzle leaves `name` as 'Error': the class says more.
  const type = error.name === 'Error' ? error.constructor.name : error.name;
  const facts: Record<string, unknown> = { type };
  if (isQueryError(error)) {
    // The statement's first word: the SQL text itself holds placeholders, never values, but the
    // operation is all a reader needs.
    facts.operation = (error.query as string).trimStart().split(/\s/, 1)[0]?.toLowerCase();
  } else if (isServerError(error)) {
    facts.code = error.code;
    facts.severity = text(error.severity);
    facts.constraint = text(error.constraint_name) ?? text(error.constraint);
    facts.table = text(error.table_name) ?? text(error.table);
    facts.column = text(error.column_name) ?? text(error.column);
    facts.routine = text(error.routine);
  } else {
    // A connection-level failure (ECONNREFUSED, a timeout): its text names hosts, not people.
    facts.message = error.message;
    if (typeof error.code === 'string') facts.code = error.code;
  }
  facts.stack = frames(error.stack);
  return facts;
}

/** True when the chain holds a database error, whose texts may quote the values sent. */
export function holdsDatabaseError(value: unknown): boolean {
  if (!(value instanceof Error)) return false;
  return chainOf(value as ErrorRecord).some((error) => isQueryError(error) || isServerError(error));
}

/** What a span may record of an error: a database error by its SQLSTATE only. */
export function spanSafeError(value: unknown): Error {
  if (!holdsDatabaseError(value)) return value instanceof Error ? value : new Error(String(value));
  const code = chainOf(value as ErrorRecord).find((error) => typeof error.code === 'string')?.code;
  const safe = new Error(`database error ${code ?? ''}`.trim());
  safe.name =
    (value as Error).name === 'Error' ? (value as Error).constructor.name : (value as Error).name;
  safe.stack = `${safe.name}: ${safe.message}\n${frames((value as Error).stack) ?? ''}`;
  return safe;
}

/** A chain holding a database error, as its facts only; undefined for any other value. */
export function databaseErrorFacts(value: unknown): Record<string, unknown> | undefined {
  if (!holdsDatabaseError(value)) return undefined;
  const [first, ...causes] = chainOf(value as ErrorRecord).map(safeFacts);
  return { ...first, message: 'database error (values withheld)', causes };
}
