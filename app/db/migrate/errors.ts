// Errors of the migration tooling, and what a database error says, whichever driver raised it
// (postgres.js and PGlite both put the SQLSTATE in `code`).

export class MigrationError extends Error {
  override name = 'MigrationError';
  /** The file at fault, when there is one. */
  readonly file: string | undefined;
  constructor(message: string, file?: string, options?: ErrorOptions) {
    super(message, options);
    this.file = file;
  }
}

/**
 * The runner declined to do something on purpose (contract gate closed, rollback past a
 * contract): not a failure of the database or of a file. The CLI exits 3 for it.
 */
export class MigrationRefused extends Error {
  override name = 'MigrationRefused';
  readonly reasons: readonly string[];
  constructor(summary: string, reasons: readonly string[]) {
    super(`${summary}\n${reasons.map((reason) => `  - ${reason}`).join('\n')}`);
    this.reasons = reasons;
  }
}

/**
 * The run was stopped (a signal aborted it): the statement in flight was cancelled and what it
 * belonged to rolled back; files applied (batches committed) before stay so, and the next run
 * goes on from there. The CLI exits 128 + the signal's number for it.
 */
export class MigrationInterrupted extends Error {
  override name = 'MigrationInterrupted';
  /** The file that was running, or undefined when the run stopped between files. */
  readonly file: string | undefined;
  /** Files this run applied before it stopped. */
  readonly applied: readonly string[];
  constructor(file: string | undefined, applied: readonly string[], options?: ErrorOptions) {
    super(file ? `interrupted during ${file}` : 'interrupted between files', options);
    this.file = file;
    this.applied = applied;
  }
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** 55P03 lock_not_available: `lock_timeout` ran out while queued behind another lock. */
export function isLockNotAvailable(error: unknown): boolean {
  return sqlState(error) === '55P03';
}

/** The server's message with the SQLSTATE and any detail/hint. */
export function describeDatabaseError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { detail, hint } = error as Error & Record<string, unknown>;
  let text = error.message;
  const code = sqlState(error);
  if (code) text += ` [SQLSTATE ${code}]`;
  if (typeof detail === 'string' && detail) text += `; detail: ${detail}`;
  if (typeof hint === 'string' && hint) text += `; hint: ${hint}`;
  return text;
}
