// The migration command, for operators and for the deployment's hook Jobs:
//
//   npm run migrate [-- expand]        expand files (before the new release's instances start)
//   npm run migrate -- backfill [name] backfills, batched and resumable (all pending, or one)
//   npm run migrate -- contract        contract files whose gate is open (after the rollout)
//   npm run migrate -- all             every phase in name order, contract behind its gate
//                                      (a fresh or development database)
//   npm run migrate -- status          every file: applied, pending, held back and why
//   npm run migrate -- plan            what each command would do now
//   npm run migrate -- rollback-check [release]   may `release` (default: RELEASE) run here?
//
// In the image: `node app/db/migrate/cli.ts <command>`. The exit code is the contract with the
// Job: 0 done (or nothing to do), 1 a migration or the database failed, 2 bad usage or config,
// 3 refused on purpose (contract gate closed, backfill held back, rollback past a contract),
// 130 / 143 interrupted by SIGINT / SIGTERM (128 + the signal's number, as a shell reports it):
// the statement in flight was cancelled on the server, its transaction rolled back and the lock
// released; files applied and backfill batches committed before stay, and running the command
// again goes on from there. A second signal while stopping exits at once with the same code.
// A run the signal did not cut short (it had already finished) keeps its own code.
import { type MigrationConfig, migrationConfig } from '../../config/processes.ts';
import { onStopSignals, signalExitCode } from '../../lifecycle/signals.ts';
import { createLogger, type Logger } from '../../telemetry/logger.ts';
import type { SqlSession } from '../database.ts';
import { openDatabase } from '../open.ts';
import { cancelOnAbort } from './cancel.ts';
import { MigrationInterrupted, MigrationRefused } from './errors.ts';
import { MIGRATIONS_DIR, readMigrationFiles } from './files.ts';
import { rollbackBlockers } from './gate/rollback.ts';
import { formatPlan, formatStatus } from './report.ts';
import { type Command, type MigrateResult, migrate } from './runner.ts';
import type { RunnerSettings } from './settings.ts';
import { migrationPlan, migrationStatus } from './status.ts';
import { waitForDatabase } from './wait-for-database.ts';

/** The pauses between connection attempts (MIGRATION_DATABASE_WAIT_MS bounds their sum). */
const DATABASE_RETRY = { baseDelayMs: 500, maxDelayMs: 10_000 };

const USAGE =
  'usage: npm run migrate [-- expand | backfill [name] | contract | all | status | plan | rollback-check [release]]';

type Action =
  | { kind: 'run'; command: Command; only?: string }
  | { kind: 'status' | 'plan' }
  | { kind: 'rollback-check'; release?: string };

function parseArgs(args: readonly string[]): Action | undefined {
  const [command = 'expand', argument, ...rest] = args;
  if (rest.length > 0) return undefined;
  switch (command) {
    // `up`: the name this command had before phases existed.
    case 'up':
    case 'expand':
    case 'contract':
    case 'all':
      return argument === undefined
        ? { kind: 'run', command: command === 'up' ? 'expand' : command }
        : undefined;
    case 'backfill':
      return { kind: 'run', command: 'backfill', only: argument };
    case 'status':
    case 'plan':
      return argument === undefined ? { kind: command } : undefined;
    case 'rollback-check':
      return { kind: 'rollback-check', release: argument };
    default:
      return undefined;
  }
}

function settingsOf(config: MigrationConfig): Partial<RunnerSettings> {
  return {
    ddlLockTimeoutMs: config.MIGRATION_LOCK_TIMEOUT_MS,
    statementTimeoutMs: config.MIGRATION_STATEMENT_TIMEOUT_MS,
    lockRetries: config.MIGRATION_LOCK_RETRIES,
    gateWindowMs: config.CONTRACT_GATE_WINDOW_MS,
    backfillBatchSize: config.BACKFILL_BATCH_SIZE,
    backfillPauseMs: config.BACKFILL_PAUSE_MS,
  };
}

async function main(args: readonly string[]): Promise<number> {
  const action = parseArgs(args);
  if (!action) {
    console.error(USAGE);
    return 2;
  }
  const config = migrationConfig.loadOrReport(process.env);
  if (!config) return 2;
  const logger = createLogger({ level: config.LOG_LEVEL });
  // In the Job's container this is PID 1, which ignores signals it has no handler for: without
  // this, deleting the Job or draining the node waits out the grace period, then SIGKILLs.
  const stop = new AbortController();
  onStopSignals((signal) => stop.abort(signal), { logger });
  try {
    const files = await readMigrationFiles(MIGRATIONS_DIR);
    return await withSession(config, stop.signal, logger, async (session) => {
      switch (action.kind) {
        case 'status':
          write(
            formatStatus(await migrationStatus(session, files, config.CONTRACT_GATE_WINDOW_MS)),
          );
          return 0;
        case 'plan':
          write(formatPlan(await migrationPlan(session, files, config.CONTRACT_GATE_WINDOW_MS)));
          return 0;
        case 'rollback-check':
          return rollbackCheck(session, action.release ?? config.RELEASE, logger);
        case 'run': {
          const result = await migrate({
            session,
            files,
            logger,
            command: action.command,
            only: action.only,
            release: config.RELEASE,
            // The embedded database belongs to one process: nothing older can be running on it.
            enforceGate: config.DATABASE_URL !== undefined,
            signal: stop.signal,
            ...settingsOf(config),
          });
          return report(action.command, result, logger);
        }
      }
    });
  } catch (error) {
    const command = action.kind === 'run' ? action.command : action.kind;
    if (stop.signal.aborted) return interrupted(command, stop.signal.reason, error, logger);
    logger.error({ err: error }, 'migration failed');
    return 1;
  } finally {
    // Log lines are written asynchronously; make sure the last ones reach the Job's log.
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  }
}

function write(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function withSession<T>(
  config: MigrationConfig,
  signal: AbortSignal,
  logger: Logger,
  work: (session: SqlSession) => Promise<T>,
) {
  // Two connections at most, whatever DB_POOL_MAX says: the runner's session, and one to cancel
  // its statement with when a signal comes (cancel.ts); a pool of one would make that wait.
  const { db, session } = await waitForDatabase(
    async () => {
      const db = await openDatabase({ ...config, DB_POOL_MAX: 2 }, 'myapp-migrate');
      try {
        return { db, session: await db.session() };
      } catch (error) {
        await db.close();
        throw error;
      }
    },
    { ...DATABASE_RETRY, waitMs: config.MIGRATION_DATABASE_WAIT_MS },
    logger,
    signal,
  );
  try {
    try {
      const stopCancelling = await cancelOnAbort(db, session, signal, logger);
      try {
        return await work(session);
      } finally {
        await stopCancelling();
      }
    } finally {
      await session.release();
    }
  } finally {
    await db.close();
  }
}

/** Logs what the signal cut short, in one line; exits 128 + the signal's number. */
function interrupted(
  command: string,
  signal: NodeJS.Signals,
  error: unknown,
  logger: Logger,
): number {
  const exitCode = signalExitCode(signal);
  const { file, applied } =
    error instanceof MigrationInterrupted ? error : { file: undefined, applied: undefined };
  // What failed because of the signal: the cancelled statement, the aborted wait.
  const cause = error instanceof MigrationInterrupted ? error.cause : error;
  const stopped = file ? ` during ${file}, rolled back to its last commit` : '';
  logger.warn(
    {
      event: 'migrate.interrupted',
      signal,
      command,
      migration: file,
      applied,
      exitCode,
      cause: cause instanceof Error ? cause.message : cause,
    },
    `${signal}: ${command} interrupted${stopped}, lock released; run it again to go on`,
  );
  return exitCode;
}

/** Logs the outcome; a file held back (gate closed, backfill waiting for expand) exits 3. */
function report(command: Command, { applied, held }: MigrateResult, logger: Logger): number {
  if (applied.length === 0 && held.length === 0)
    logger.info({ command, applied }, 'schema is up to date, nothing to do');
  else if (applied.length > 0)
    logger.info({ command, applied }, `applied ${applied.length} migration(s)`);
  if (held.length === 0) return 0;
  const refusal = new MigrationRefused(
    `${command}: ${held.length} file(s) held back`,
    held.flatMap((file) => file.reasons.map((reason) => `${file.name}: ${reason}`)),
  );
  logger.error({ command, held }, refusal.message);
  return 3;
}

async function rollbackCheck(session: SqlSession, release: string, logger: Logger) {
  const reasons = await rollbackBlockers(session, release);
  if (reasons.length === 0) {
    logger.info({ release }, 'rollback check passed: no applied contract needs a newer release');
    return 0;
  }
  const refusal = new MigrationRefused(
    `release ${release} must not run against this database`,
    reasons,
  );
  logger.error({ release, reasons }, refusal.message);
  return 3;
}

// Set the code rather than calling exit(): the process ends once pending writes are done.
process.exitCode = await main(process.argv.slice(2));
