// The migration CLI as operators and the Kubernetes Job run it: a child process, configured only
// by its environment, judged by its exit code and output.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProcessResult, startProcess } from '../../app/run-process.ts';

const CLI = join(import.meta.dirname, '../../app/db/migrate/cli.ts');

/** Starts the CLI from an unrelated folder with nothing but PATH and `env` in its environment. */
export function startCli(args: readonly string[], env: Record<string, string>) {
  return startProcess(process.execPath, [CLI, ...args], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

/** Runs the CLI to its end, as `startCli` starts it. */
export function runCli(args: readonly string[], env: Record<string, string>) {
  return startCli(args, env).done;
}

/** The JSON log lines the CLI printed. */
export const messages = (run: ProcessResult) =>
  run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; [key: string]: unknown });
