// Applying one file. A transactional file runs as one transaction together with its
// bookkeeping row, so it is applied completely or not at all. A no-transaction file (needed by
// CONCURRENTLY, which refuses to run inside a transaction) runs statement by statement; its
// statements are idempotent (IF [NOT] EXISTS), so after a failure or a kill the whole file
// simply runs again, once an invalid index left by a failed concurrent build is dropped.
import type { Logger } from '../../telemetry/logger.ts';
import type { SqlSession } from '../database.ts';
import { recordApplied } from './bookkeeping.ts';
import { describeDatabaseError, isLockNotAvailable, MigrationError } from './errors.ts';
import type { MigrationFile } from './files.ts';
import { retryOnLockTimeout } from './retry.ts';
import { concurrentIndexBuild, parseStatements } from './statements.ts';
import { inStepTransaction, type StepOptions, timeoutSettings } from './step.ts';

/** Applies `file` and records it; returns how long that took. */
export async function applyFile(
  session: SqlSession,
  file: MigrationFile,
  options: StepOptions,
): Promise<number> {
  const startedAt = new Date();
  const started = performance.now();
  /** Records the file as applied, on `session` (inside the file's transaction when it has one). */
  const record = async () => {
    const durationMs = Math.round(performance.now() - started);
    await recordApplied(session, { file, startedAt, durationMs, release: options.release });
    return durationMs;
  };
  return file.header.transaction
    ? applyInTransaction(session, file, options, record)
    : applyStatementByStatement(session, file, options, record);
}

/** Records the file as applied and returns how long it took. */
type Recorder = () => Promise<number>;

function failed(
  file: MigrationFile,
  what: string,
  error: unknown,
  retries: number,
): MigrationError {
  const gaveUp = isLockNotAvailable(error) ? ` (gave up after ${retries + 1} attempt(s))` : '';
  return new MigrationError(
    `Migration ${file.name} ${what}${gaveUp}: ${describeDatabaseError(error)}`,
    file.name,
    { cause: error },
  );
}

async function applyInTransaction(
  session: SqlSession,
  file: MigrationFile,
  options: StepOptions,
  record: Recorder,
): Promise<number> {
  try {
    return await retryOnLockTimeout(
      () =>
        inStepTransaction(session, options, async () => {
          await session.exec(file.sql);
          return record();
        }),
      options.retry,
      options.logger,
      { migration: file.name },
      options.signal,
    );
  } catch (error) {
    throw failed(file, 'failed and was rolled back', error, options.retry.retries);
  }
}

async function applyStatementByStatement(
  session: SqlSession,
  file: MigrationFile,
  options: StepOptions,
  record: Recorder,
): Promise<number> {
  const { logger } = options;
  const statements = await parseStatements(file.sql);
  // Session-level: there is no transaction for SET LOCAL to belong to. Reset in `finally`, as
  // the session goes on to the next file.
  await session.exec(timeoutSettings(options, 'SESSION'));
  try {
    for (const [index, statement] of statements.entries()) {
      try {
        options.signal?.throwIfAborted();
        await retryOnLockTimeout(
          async () => {
            const build = concurrentIndexBuild(statement.node);
            if (build) await dropInvalidIndex(session, build, logger, file.name);
            await session.exec(statement.text);
          },
          options.retry,
          logger,
          { migration: file.name, statement: index + 1, line: statement.line },
          options.signal,
        );
      } catch (error) {
        throw failed(
          file,
          `failed at statement ${index + 1} of ${statements.length} (line ${statement.line}); the statements before it stay applied and the file runs again from the start next time`,
          error,
          options.retry.retries,
        );
      }
    }
    return await record();
  } finally {
    await session.exec('RESET lock_timeout; RESET statement_timeout').catch(() => {});
  }
}

/** Drops the invalid leftover of an earlier failed `CREATE INDEX CONCURRENTLY`, if there is one. */
async function dropInvalidIndex(
  session: SqlSession,
  build: { index: string; table: string; schema: string | undefined },
  logger: Logger,
  migration: string,
): Promise<void> {
  const [leftover] = await session.query<{ qualified: string }>(
    `select format('%I.%I', n.nspname, c.relname) as qualified
       from pg_index i
       join pg_class c on c.oid = i.indexrelid
       join pg_namespace n on n.oid = c.relnamespace
      where c.relname = $1 and not i.indisvalid
        and i.indrelid = to_regclass(coalesce(quote_ident($2::text) || '.', '') || quote_ident($3::text))`,
    [build.index, build.schema ?? null, build.table],
  );
  if (!leftover) return;
  logger.warn(
    { migration, index: leftover.qualified },
    'dropping an invalid index left by an earlier failed concurrent build',
  );
  await session.exec(`DROP INDEX CONCURRENTLY IF EXISTS ${leftover.qualified}`);
}
