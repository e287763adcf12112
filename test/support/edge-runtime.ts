// Starts the edge bundle under a real edge runtime (workerd, Deno or Bun, from the tool cache
// scripts/tools/edge-runtimes-install.ts fills) on a free port, with the settings a test gives it,
// and waits until its /health answers.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { edgeCommand } from '../../scripts/edge/command.ts';
import type { EdgeRuntime } from '../../scripts/tools/edge-runtimes-install.ts';
import { collectJsonLines } from './json-lines.ts';
import { freePort } from './ports.ts';

export interface EdgeProcess {
  url: string;
  /** Every stdout line so far, parsed as JSON where it is JSON. */
  logs: Record<string, unknown>[];
  output(): string;
  close(): Promise<void>;
}

export async function startEdge(
  runtime: EdgeRuntime,
  binary: string,
  settings: Record<string, string>,
  timeoutMs = 30_000,
): Promise<EdgeProcess> {
  const port = await freePort();
  const { args, env } = edgeCommand(runtime, binary, port);
  const [command, ...rest] = args;
  const child: ChildProcess = spawn(command, rest, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const logs = collectJsonLines(child.stdout, (chunk) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${runtime} exited early: ${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, logs, output: () => output, close };
    } catch {
      // Not listening yet.
    }
    if (Date.now() - started > timeoutMs) {
      await close();
      throw new Error(`${runtime} did not answer /health in ${timeoutMs} ms: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
