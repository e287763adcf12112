// A database of its own for one benchmark run: on DATABASE_URL's server when set, else on an
// embedded PostgreSQL started for the run. `drop()` removes it (and stops the embedded server).
import postgres from 'postgres';
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
