// Runs app/main.ts as a real child process, as `npm start` does, with an environment the test
// controls completely (nothing leaks in from the test runner's own environment).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { collectJsonLines } from './json-lines.ts';
import { freePort } from './ports.ts';

const MAIN = join(import.meta.dirname, '../../app/main.ts');

export interface AppProcess {
  url: string;
  child: ChildProcess;
  /** Every stdout line so far, parsed as JSON where it is JSON. */
  logs: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>;
}

export function spawnApp(env: Record<string, string>): {
  child: ChildProcess;
  logs: Record<string, unknown>[];
  stderr(): string;
  exited: Promise<number | string>;
} {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      LOG_LEVEL: 'info',
      // Any free port: processes run side by side, and the default 9464 fits only one.
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = collectJsonLines(child.stdout);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  return { child, logs, stderr: () => stderr, exited };
}

/** Starts the app on a free port and waits until it logs that it is listening. */
export async function startAppProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<AppProcess> {
  const port = await freePort();
  const app = spawnApp({ HOST: '127.0.0.1', PORT: String(port), ...env });
  const started = Date.now();
  while (!app.logs.some((line) => line.msg === 'listening')) {
    if (app.child.exitCode !== null)
      throw new Error(`app exited early (${app.child.exitCode}): ${app.stderr()}`);
    if (Date.now() - started > timeoutMs)
      throw new Error(`app did not start in ${timeoutMs} ms: ${app.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { ...app, url: `http://127.0.0.1:${port}` };
}

/** Stops a process that a test left running; harmless if it already exited. */
export async function killApp(
  app: { child: ChildProcess; exited: Promise<unknown> } | undefined,
): Promise<void> {
  if (!app || app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill('SIGKILL');
  await app.exited;
}
