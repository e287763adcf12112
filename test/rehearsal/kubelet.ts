// A pod as the kubelet runs it, with a real process for its container: startup, readiness and
// liveness probes exactly as the spec gives them (initialDelaySeconds, periodSeconds,
// timeoutSeconds, successThreshold, failureThreshold; readiness and liveness start only once
// the startup probe passed), restarts of a crashed or unhealthy container, and termination:
// the pod is marked terminating (the endpoints controller drops it at once), the preStop sleep
// runs, then SIGTERM, then SIGKILL when terminationGracePeriodSeconds (counted from the start,
// preStop included) runs out.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { commandOf, resolvePort } from './pods.ts';

export interface PodInit {
  name: string;
  labels: Record<string, string>;
  /** The pod's own address (its network namespace): the app listens on it. */
  ip: string;
  // biome-ignore lint/suspicious/noExplicitAny: a rendered pod spec
  spec: any;
  /** The resolved environment of the (single) container. */
  env: Record<string, string>;
  /** Where the image's files are: the working directory of the process. */
  codeDir: string;
  logDir: string;
  /** Called whenever readiness or the lifecycle changes. */
  onChange: (pod: Pod) => void;
}

// biome-ignore lint/suspicious/noExplicitAny: a rendered probe
type Probe = any;

export type Phase = 'starting' | 'running' | 'terminating' | 'gone';

export interface PodEvent {
  at: number;
  pod: string;
  event: string;
}

export const podEvents: PodEvent[] = [];

// Every container process still running: killed when the test process exits, so a test that
// timed out before its cleanup leaves no app behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function record(pod: string, event: string): void {
  podEvents.push({ at: Date.now(), pod, event });
}

/** One HTTP probe; resolves true on 200–399 within the timeout. */
function httpProbe(host: string, port: number, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host, port, path, method: 'GET', agent: false, headers: { Connection: 'close' } },
      (res) => {
        res.resume();
        resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
      },
    );
    req.setTimeout(timeoutMs, () => {
      req.destroy();
      resolve(false);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Pod {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly ip: string;
  phase: Phase = 'starting';
  started = false;
  ready = false;
  /** When the pod last became ready (minReadySeconds counts from here). */
  readySince: number | undefined;
  restarts = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<number | string> = Promise.resolve(0);
  private generation = 0;
  private readonly log: WriteStream;
  private readonly init: PodInit;
  // biome-ignore lint/suspicious/noExplicitAny: a rendered container spec
  readonly container: any;

  constructor(init: PodInit) {
    this.init = init;
    this.name = init.name;
    this.labels = init.labels;
    this.ip = init.ip;
    this.container = init.spec.containers[0];
    this.log = createWriteStream(join(init.logDir, `${init.name}.log`), { flags: 'a' });
  }

  /** The container port a Service's targetPort (name or number) means. */
  port(target: string | number): number {
    return resolvePort(this.container, target);
  }

  /** The container's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  get available(): boolean {
    return this.ready && this.phase === 'running';
  }

  start(): void {
    this.startContainer();
  }

  private startContainer(): void {
    const generation = ++this.generation;
    const [command, ...args] = commandOf(this.container);
    const child = spawn(command === 'node' ? process.execPath : (command as string), args, {
      cwd: this.init.codeDir,
      env: this.init.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve((code ?? signal) as number | string)),
    );
    record(this.name, `container started (pid ${child.pid})`);
    void this.exited.then((status) => {
      record(this.name, `container exited (${status})`);
      if (generation !== this.generation || this.phase === 'terminating' || this.phase === 'gone')
        return;
      // restartPolicy Always: the kubelet restarts it after a back-off (10 s, doubling, at most
      // 5 minutes: CrashLoopBackOff).
      this.restarts += 1;
      this.setReady(false);
      this.started = false;
      const backOff = Math.min(10_000 * 2 ** (this.restarts - 1), 300_000);
      record(this.name, `back-off ${backOff} ms`);
      setTimeout(() => {
        if (this.phase !== 'terminating' && this.phase !== 'gone') this.startContainer();
      }, backOff);
    });
    void this.runProbes(generation);
  }

  private alive(generation: number): boolean {
    return generation === this.generation && this.phase !== 'gone';
  }

  private setReady(ready: boolean): void {
    if (this.ready === ready) return;
    this.ready = ready;
    this.readySince = ready ? Date.now() : undefined;
    record(this.name, ready ? 'ready' : 'not ready');
    this.init.onChange(this);
  }

  private async check(probe: Probe): Promise<boolean> {
    const get = probe.httpGet;
    if (!get) throw new Error(`${this.name}: only httpGet probes are modelled`);
    return httpProbe(
      this.ip,
      this.port(get.port),
      get.path ?? '/',
      (probe.timeoutSeconds ?? 1) * 1_000,
    );
  }

  /** Runs one probe until `onResult` says it is done (the startup probe) or the container goes. */
  private async probeLoop(
    generation: number,
    probe: Probe,
    onResult: (ok: boolean, successes: number, failures: number) => boolean,
  ): Promise<void> {
    await sleep((probe.initialDelaySeconds ?? 0) * 1_000);
    let successes = 0;
    let failures = 0;
    while (this.alive(generation)) {
      const ok = await this.check(probe);
      if (!this.alive(generation)) return;
      successes = ok ? successes + 1 : 0;
      failures = ok ? 0 : failures + 1;
      if (onResult(ok, successes, failures)) return;
      await sleep((probe.periodSeconds ?? 10) * 1_000);
    }
  }

  private async runProbes(generation: number): Promise<void> {
    const { startupProbe, readinessProbe, livenessProbe } = this.container;
    if (startupProbe) {
      let passed = false;
      await this.probeLoop(generation, startupProbe, (ok, _s, failures) => {
        if (ok) passed = true;
        else if (failures >= (startupProbe.failureThreshold ?? 3))
          this.restartUnhealthy(generation, 'startup');
        return passed || failures >= (startupProbe.failureThreshold ?? 3);
      });
      if (!passed || !this.alive(generation)) return;
    }
    this.started = true;
    if (this.phase === 'starting') this.phase = 'running';
    record(this.name, 'started');
    this.init.onChange(this);
    if (livenessProbe)
      void this.probeLoop(generation, livenessProbe, (_ok, _s, failures) => {
        if (failures < (livenessProbe.failureThreshold ?? 3)) return false;
        this.restartUnhealthy(generation, 'liveness');
        return true;
      });
    if (!readinessProbe) {
      this.setReady(true);
      return;
    }
    void this.probeLoop(generation, readinessProbe, (ok, successes, failures) => {
      if (this.phase === 'terminating') return false;
      if (ok && successes >= (readinessProbe.successThreshold ?? 1)) this.setReady(true);
      if (!ok && failures >= (readinessProbe.failureThreshold ?? 3)) this.setReady(false);
      return false;
    });
  }

  private restartUnhealthy(generation: number, probe: string): void {
    if (!this.alive(generation) || this.phase === 'terminating') return;
    record(this.name, `${probe} probe failed: restarting the container`);
    // The kubelet kills an unhealthy container with its grace period; SIGKILL keeps it simple
    // and is what a stuck process gets anyway.
    this.child?.kill('SIGKILL');
  }

  /** Kubelet-style termination; resolves when the process is gone. */
  async terminate(): Promise<{ status: number | string; killed: boolean; ms: number }> {
    const begun = Date.now();
    this.phase = 'terminating';
    this.ready = false;
    record(this.name, 'terminating');
    this.init.onChange(this);
    const spec = this.init.spec;
    const grace = (spec.terminationGracePeriodSeconds ?? 30) * 1_000;
    const preStop = this.container.lifecycle?.preStop;
    const preStopMs = preStop?.sleep
      ? preStop.sleep.seconds * 1_000
      : preStop?.exec
        ? preStopExecSeconds(preStop.exec.command) * 1_000
        : 0;
    let killed = false;
    const deadline = setTimeout(() => {
      killed = true;
      record(this.name, 'SIGKILL at the end of the grace period');
      this.child?.kill('SIGKILL');
    }, grace);
    if (preStopMs > 0) {
      record(this.name, `preStop sleep ${preStopMs} ms`);
      await Promise.race([sleep(Math.min(preStopMs, grace)), this.exited]);
    }
    if (!killed && this.child && this.child.exitCode === null) {
      record(this.name, 'SIGTERM');
      this.child.kill('SIGTERM');
    }
    const status = await this.exited;
    clearTimeout(deadline);
    this.phase = 'gone';
    this.generation += 1;
    this.log.end();
    this.init.onChange(this);
    return { status, killed, ms: Date.now() - begun };
  }

  /** Stops at once (end of a test). */
  async kill(): Promise<void> {
    this.phase = 'gone';
    this.generation += 1;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    this.log.end();
  }
}

/** `sleep N` or `sh -c "sleep N"`: the seconds of an exec preStop that only sleeps. */
export function preStopExecSeconds(command: string[]): number {
  const match = command.join(' ').match(/\bsleep\s+(\d+(?:\.\d+)?)/);
  if (!match) throw new Error(`preStop exec ${JSON.stringify(command)} is not a sleep`);
  return Number(match[1]);
}

/** Runs a Job's or a test Pod's container to completion; resolves with its exit code. */
export function runToCompletion(
  // biome-ignore lint/suspicious/noExplicitAny: a rendered container spec
  container: any,
  env: Record<string, string>,
  codeDir: string,
  logFile: string,
  deadlineMs: number,
): Promise<number | string> {
  const [command, ...args] = commandOf(container);
  const child = spawn(command === 'node' ? process.execPath : (command as string), args, {
    cwd: codeDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      log.end();
      resolve((code ?? signal) as number | string);
    }),
  );
}
