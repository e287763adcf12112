// `npm run migrate` applies the pending files of `migrations/`; `npm run migrate -- status`
// lists applied and pending ones. It runs as a Kubernetes Job as well as by hand, so the exit
// code is the contract: 0 done, 1 the migration or the database failed, 2 bad usage or config.
import { type Config, ConfigError, loadConfig } from '../../config.ts';
import { createLogger, type Logger } from '../../telemetry/logger.ts';
import type { SqlSession } from '../database.ts';
import { openDatabase } from '../open.ts';
import { MIGRATIONS_DIR, type MigrationFile, readMigrationFiles } from './files.ts';
import { type MigrationStatus, migrate, migrationStatus } from './runner.ts';

const USAGE = 'usage: npm run migrate [-- up | status]';

async function main(args: readonly string[]): Promise<number> {
  const command = args[0] ?? 'up';
  if (args.length > 1 || (command !== 'up' && command !== 'status')) {
    console.error(USAGE);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 2;
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  try {
    const files = await readMigrationFiles(MIGRATIONS_DIR);
    await withSession(config, async (session) => {
      if (command === 'status') printStatus(await migrationStatus(session, files));
      else await up(session, files, logger);
    });
    return 0;
  } catch (error) {
    logger.error({ err: error }, 'migration failed');
    return 1;
  } finally {
    // Log lines are written asynchronously; make sure the last ones reach the Job's log.
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  }
}

async function withSession(config: Config, work: (session: SqlSession) => Promise<void>) {
  const db = await openDatabase(config, 'myapp-migrate');
  try {
    const session = await db.session();
    try {
      await work(session);
    } finally {
      await session.release();
    }
  } finally {
    await db.close();
  }
}

async function up(session: SqlSession, files: readonly MigrationFile[], logger: Logger) {
  const { applied } = await migrate({ session, files, logger });
  if (applied.length === 0) logger.info({ applied }, 'schema is up to date, nothing to do');
  else logger.info({ applied }, `applied ${applied.length} migration(s)`);
}

function printStatus(status: MigrationStatus): void {
  const lines = [
    ...status.applied.map((name) => `applied  ${name}`),
    ...status.pending.map((name) => `pending  ${name}`),
    ...status.changed.map((name) => `changed  ${name} (edited after it was applied)`),
    ...status.unknown.map((name) => `unknown  ${name} (applied, but no such file here)`),
  ];
  lines.push(`${status.applied.length} applied, ${status.pending.length} pending`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

// Set the code rather than calling exit(): the process ends once pending writes are done.
process.exitCode = await main(process.argv.slice(2));
