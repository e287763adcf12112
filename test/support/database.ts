// Each test file gets a database of its own on the run's PostgreSQL server.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import type { Database } from '../../app/db/database.ts';
import { openPostgres, type PostgresOptions } from '../../app/db/postgres.ts';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createTestDatabase(
  adminUrl = inject('adminDatabaseUrl'),
): Promise<TestDatabase> {
  const name = `myapp_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(adminUrl, name),
    async drop() {
      const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await sql.end();
      }
    },
  };
}

/** The app's own postgres.js `Database` on a test database (the caller closes it). */
export function openTestPostgres(
  url: string,
  applicationName: string,
  poolMax = 2,
  observeQueries?: PostgresOptions['observeQueries'],
): Database {
  return openPostgres({ url, poolMax, connectTimeoutMs: 5_000, applicationName, observeQueries });
}
