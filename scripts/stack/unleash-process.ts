// Runs a real Unleash server as a child process on a PostgreSQL database of the caller's: for
// `npm run stack` and the tests. Tokens are created by the server itself from INIT_* settings,
// which it applies only to an empty database, so tests give it a fresh one each run.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { unleashServerEntry } from '../tools/unleash-install.ts';

export interface UnleashServerOptions {
  /** A database of its own: Unleash runs its migrations there on the first start. */
  databaseUrl: string;
  port: number;
  /** `*:*.<secret>`: an admin token, for the Admin API. */
  adminToken: string;
  /** `<project>:<environment>.<secret>`: a backend token, for the app's flag client. */
  backendToken: string;
  /** The UI's admin login; Unleash's own default is admin / unleash4all. */
  adminPassword?: string;
  entry?: string;
}

export interface UnleashServer {
  /** `http://127.0.0.1:<port>`: the UI, and the base of the API. */
  readonly url: string;
  /** What the app's UNLEASH_URL is set to. */
  readonly apiUrl: string;
  readonly adminToken: string;
  readonly backendToken: string;
  /** The server's stdout and stderr so far (for failure messages). */
  output(): string;
  /** SIGTERM (graceful) or SIGKILL (a crash); resolves once the process has exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same database and port; resolves once healthy. */
  restart(): Promise<void>;
}

const HEALTH_TIMEOUT_MS = 90_000;

export async function startUnleashServer(options: UnleashServerOptions): Promise<UnleashServer> {
  const url = `http://127.0.0.1:${options.port}`;
  let output = '';
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const process_ = spawn(process.execPath, [options.entry ?? unleashServerEntry()], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        TZ: 'UTC',
        DATABASE_URL: options.databaseUrl,
        DATABASE_SSL: 'false',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(options.port),
        INIT_ADMIN_API_TOKENS: options.adminToken,
        INIT_BACKEND_API_TOKENS: options.backendToken,
        UNLEASH_DEFAULT_ADMIN_USERNAME: 'admin',
        UNLEASH_DEFAULT_ADMIN_PASSWORD: options.adminPassword ?? 'unleash4all',
        // A closed network: no version checks, no telemetry, quiet logs.
        CHECK_VERSION: 'false',
        SEND_TELEMETRY: 'false',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = process_;
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    process_.stdout?.on('data', keep);
    process_.stderr?.on('data', keep);
    const started = Date.now();
    while (Date.now() - started < HEALTH_TIMEOUT_MS) {
      if (process_.exitCode !== null)
        throw new Error(`unleash-server exited (${process_.exitCode}) while starting:\n${output}`);
      const healthy = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) })
        .then((response) => response.ok)
        .catch(() => false);
      if (healthy) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    process_.kill('SIGKILL');
    throw new Error(`unleash-server did not become healthy in ${HEALTH_TIMEOUT_MS} ms:\n${output}`);
  }

  async function stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill(signal);
    // Its graceful shutdown can take several seconds; never longer than this.
    const force = setTimeout(() => running.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(force);
  }

  await start();
  return {
    url,
    apiUrl: `${url}/api/`,
    adminToken: options.adminToken,
    backendToken: options.backendToken,
    output: () => output,
    stop,
    async restart() {
      await stop();
      await start();
    },
  };
}
