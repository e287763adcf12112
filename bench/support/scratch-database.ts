// A database of its own for one benchmark run: on DATABASE_URL's server when set, else on an
// embedded PostgreSQL started for the run. `drop()` removes it (and stops the embedded server).
import postgres from 'postgres';
import { applyMigrations } from '../../app/db/migrate/runner.ts';
import { openPostgres } from '../../app/db/postgres.ts';
import { createLogger } from '../../app/telemetry/logger.ts';
import { startEmbeddedPostgres } from '../../test/support/embedded-postgres.ts';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres();
  const admin = process.env.DATABASE_URL ?? (embedded?.url as string);
  const name = `${prefix}_${process.pid}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`drop database if exists ${name}`);
  await sql.unsafe(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
      await embedded?.destroy();
    },
  };
}

/** A scratch database with every migration applied, as a deployed release would find it. */
export async function createMigratedScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const database = await createScratchDatabase(prefix);
  const db = openPostgres({
    url: database.url,
    poolMax: 2,
    connectTimeoutMs: 5_000,
    applicationName: 'bench',
  });
  try {
    await applyMigrations(db, createLogger({ level: 'silent' }));
  } finally {
    await db.close();
  }
  return database;
}

/** `count` users named Bench User 1…count (ids 1…count on a fresh database). */
export async function seedUsers(url: string, count: number): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`
      insert into users (first_name, last_name, email)
      select 'Bench', 'User ' || n, 'bench' || n || '@example.com'
      from generate_series(1, ${count}::int) n`;
  } finally {
    await sql.end();
  }
}
