// A database of the test's own with everything the schema-evolution tests use on it: a runner
// session, plain postgres.js for observations, and drizzle over it for the releases' code.
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database, SqlSession } from '../../app/db/database.ts';
import {
  MIGRATIONS_DIR,
  type MigrationFile,
  readMigrationFiles,
} from '../../app/db/migrate/files.ts';
import { type Command, migrate } from '../../app/db/migrate/runner.ts';
import * as schema from '../../app/db/schema.ts';
import { createLogger, type Logger } from '../../app/telemetry/logger.ts';
import { createTestDatabase, openTestPostgres } from '../support/database.ts';

export interface EvolvingDatabase {
  url: string;
  /** For the test's own queries. */
  sql: postgres.Sql;
  /** drizzle over `sql`, with today's schema (release 0.4.0's code needs it). */
  orm: ReturnType<typeof drizzle<typeof schema>>;
  db: Database;
  session: SqlSession;
  files: MigrationFile[];
  /** Runs `command` with the project's migrations up to and including `upTo`. */
  migrate(
    command: Command,
    upTo: string,
    options?: { logger?: Logger },
  ): ReturnType<typeof migrate>;
  close(): Promise<void>;
}

export const silent = () => createLogger({ level: 'silent' });

export async function evolvingDatabase(): Promise<EvolvingDatabase> {
  const database = await createTestDatabase();
  const sql = postgres(database.url, { max: 4, onnotice: () => {} });
  const db = openTestPostgres(database.url, 'myapp-migrate', 1);
  const session = await db.session();
  const files = await readMigrationFiles(MIGRATIONS_DIR);
  return {
    url: database.url,
    sql,
    orm: drizzle({ client: sql, schema }),
    db,
    session,
    files,
    migrate: (command, upTo, options = {}) =>
      migrate({
        session,
        files: files.filter((file) => file.name <= upTo),
        logger: options.logger ?? silent(),
        command,
        backfillPauseMs: 0,
        release: 'test',
      }),
    async close() {
      await session.release();
      await db.close();
      await sql.end();
      await database.drop();
    },
  };
}
