// A server of the Prometheus family (Prometheus, Alertmanager) as a child process: started with
// its stderr kept for the failure message, awaited on its `/-/ready`, and stopped with SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';

export interface ReadyDaemon {
  /** What it wrote to stderr so far: the first thing to read when a test fails. */
  log(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `binary` and waits until `${url}/-/ready` answers; stopped again if it never does. */
export async function startReadyDaemon(
  name: string,
  binary: string,
  args: readonly string[],
  url: string,
): Promise<ReadyDaemon> {
  let log = '';
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    log += chunk;
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (attempt > 200 || child.exitCode !== null) {
      await stop();
      throw new Error(`${name} did not start: ${log}`);
    }
    await sleep(50);
  }
  return { log: () => log, stop };
}
