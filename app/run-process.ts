// Runs a program to completion and collects what it printed: for the tools the app drives
// (squawk) and for tests that judge a command by its exit code and output.
import { type ChildProcess, spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  /** The signal that ended the process, when one did (then `code` is null). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to standard input, which is then closed; none: standard input is closed at once. */
  input?: string;
}

export function runProcess(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  return startProcess(command, args, options).done;
}

/** Starts a program; `done` resolves once it has exited. For tests that signal it meanwhile. */
export function startProcess(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): { child: ChildProcess; done: Promise<ProcessResult> } {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const done = new Promise<ProcessResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  return { child, done };
}
