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
// 3 refused on purpose (contract gate closed, backfill held back, rollback past a contract).
import { type Config, loadConfigOrReport } from '../../config.ts';
import { createLogger, type Logger } from '../../telemetry/logger.ts';
import type { SqlSession } from '../database.ts';
import { openDatabase } from '../open.ts';
import { MigrationRefused } from './errors.ts';
import { MIGRATIONS_DIR, readMigrationFiles } from './files.ts';
import { rollbackBlockers } from './gate/rollback.ts';
import { formatPlan, formatStatus } from './report.ts';
import { type Command, type MigrateResult, migrate } from './runner.ts';
import type { RunnerSettings } from './settings.ts';
import { migrationPlan, migrationStatus } from './status.ts';

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

function settingsOf(config: Config): Partial<RunnerSettings> {
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
  const config = loadConfigOrReport(process.env);
  if (!config) return 2;
  const logger = createLogger({ level: config.LOG_LEVEL });
  try {
    const files = await readMigrationFiles(MIGRATIONS_DIR);
    return await withSession(config, async (session) => {
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
            ...settingsOf(config),
          });
          return report(action.command, result, logger);
        }
      }
    });
  } catch (error) {
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

async function withSession<T>(config: Config, work: (session: SqlSession) => Promise<T>) {
  const db = await openDatabase(config, 'myapp-migrate');
  try {
    const session = await db.session();
    try {
      return await work(session);
    } finally {
      await session.release();
    }
  } finally {
    await db.close();
  }
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
