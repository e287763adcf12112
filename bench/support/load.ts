// What every benchmark here measures with: servers as child processes, wrk (Debian's package: a
// native load generator, so it does not share a server's event loop) with keep-alive and no
// pipelining, and each server's CPU time and memory read from /proc.
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { SPAN_EXPORT_THREAD } from '../../app/telemetry/worker-exporter.ts';
import { freePort } from '../../test/support/ports.ts';
import { findTool } from '../../test/support/tools.ts';

const run = promisify(execFile);
/** USER_HZ: the unit of /proc/<pid>/stat times on Linux. */
const CLOCK_TICKS_PER_S = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * On a machine with two cores or more, servers (every thread of theirs) run on core 0 and wrk on
 * core 1, so the generator never takes CPU from what it measures.
 */
const PINNED = availableParallelism() >= 2 && findTool('taskset') !== undefined;
const pinned = (core: number, argv: string[]) =>
  PINNED ? ['taskset', '-c', String(core), ...argv] : argv;
export const pinning = PINNED ? 'servers on core 0, wrk on core 1' : 'no pinning (one core)';

export interface Server {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `argv` with `env` on a free PORT and waits until `readyPath` answers 2xx. */
export async function startServer(
  name: string,
  argv: string[],
  env: Record<string, string>,
  options: { readyPath?: string; cwd?: string } = {},
): Promise<Server> {
  const port = await freePort();
  const [command, ...args] = pinned(0, argv) as [string, ...string[]];
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  for (let attempt = 0; attempt < 600; attempt++) {
    const response = await fetch(`${url}${options.readyPath ?? '/health'}`).catch(() => undefined);
    if (response?.ok) return { name, url, pid: child.pid as number, stop };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  await stop();
  throw new Error(`${name} did not become ready`);
}

/** What a thread of a Node process does, from its name (Node and libuv name their threads). */
export const THREAD_ROLES = ['main', 'V8 helpers', 'libuv pool', 'span export', 'other'] as const;
type ThreadRole = (typeof THREAD_ROLES)[number];
const ROLE_BY_THREAD_NAME: Record<string, ThreadRole> = {
  MainThread: 'main',
  // V8's platform workers: parallel and concurrent GC, background compilation.
  V8Worker: 'V8 helpers',
  'libuv-worker': 'libuv pool',
  [SPAN_EXPORT_THREAD]: 'span export',
};

/** User plus system CPU time of a thread or process from its stat line, in µs. */
function statCpuMicros(stat: string): number {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S) * 1e6;
}

/**
 * CPU time so far of each of a process's threads alive now, in µs, by role. A thread that exited
 * in between is missing from the later reading: the process's own total says how much that was.
 */
async function cpuMicrosByRole(pid: number): Promise<Record<ThreadRole, number>> {
  const byRole = Object.fromEntries(THREAD_ROLES.map((role) => [role, 0])) as Record<
    ThreadRole,
    number
  >;
  const threads = await readdir(`/proc/${pid}/task`).catch(() => []);
  for (const thread of threads) {
    const read = (file: string) => readFile(`/proc/${pid}/task/${thread}/${file}`, 'utf8');
    const [name, stat] = await Promise.all([read('comm'), read('stat')]).catch(() => ['', '']);
    if (!stat) continue;
    byRole[ROLE_BY_THREAD_NAME[name.trim()] ?? 'other'] += statCpuMicros(stat);
  }
  return byRole;
}

/** User plus system CPU time of a process (all its threads, exited ones too) so far, in µs. */
async function cpuMicros(pid: number): Promise<number> {
  return statCpuMicros(await readFile(`/proc/${pid}/stat`, 'utf8'));
}

/** Resident memory of a process, in MB. */
export async function rssMegabytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

export interface Run {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** The server's own CPU time per request, in µs: steadier than req/s on a shared machine. */
  cpuPerRequest: number;
  /** The same, by what its threads do (the threads alive at the end of the run). */
  cpuPerRequestByRole: Record<ThreadRole, number>;
}

/** wrk's path; as root on Debian, installs it first when it is missing. */
export function findWrk(): string {
  const found = findTool('wrk');
  if (found) return found;
  if (process.getuid?.() === 0 && findTool('apt-get')) {
    process.stderr.write('installing wrk (Debian package)\n');
    execFileSync(
      'sh',
      ['-c', 'apt-get install -y -q wrk || (apt-get update -q && apt-get install -y -q wrk)'],
      {
        stdio: ['ignore', 2, 2],
      },
    );
  }
  const installed = findTool('wrk');
  if (!installed) throw new Error('wrk is not installed: apt-get install wrk (Debian)');
  return installed;
}

function milliseconds(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text ?? '');
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

/**
 * One wrk run against `url` for `seconds` with `connections` keep-alive connections (one
 * thread), optionally driven by a Lua `script`. Any non-2xx answer makes the figure meaningless,
 * so it throws.
 */
export async function load(
  server: Pick<Server, 'pid'> & Partial<Pick<Server, 'name'>>,
  url: string,
  options: {
    seconds: number;
    connections: number;
    script?: string;
    /** For the script (wrk's Lua reads it with os.getenv). */
    env?: Record<string, string>;
  },
): Promise<Run> {
  const cpuBefore = await cpuMicros(server.pid);
  const byRoleBefore = await cpuMicrosByRole(server.pid);
  const argv = pinned(1, [
    findWrk(),
    '-t1',
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    '--latency',
    ...(options.script ? ['-s', options.script] : []),
    url,
  ]);
  const { stdout } = await run(argv[0] as string, argv.slice(1), {
    env: { ...process.env, ...options.env },
  });
  const cpu = (await cpuMicros(server.pid)) - cpuBefore;
  const byRoleAfter = await cpuMicrosByRole(server.pid);
  const failed = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1];
  if (failed)
    throw new Error(
      `${failed} requests to ${server.name ?? url} failed during the run:\n${stdout}`,
    );
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? Number.NaN);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN),
    p50Ms: milliseconds(/\s50%\s+(\S+)/.exec(stdout)?.[1]),
    p99Ms: milliseconds(/\s99%\s+(\S+)/.exec(stdout)?.[1]),
    cpuPerRequest: cpu / requests,
    cpuPerRequestByRole: Object.fromEntries(
      THREAD_ROLES.map((role) => [role, (byRoleAfter[role] - byRoleBefore[role]) / requests]),
    ) as Record<ThreadRole, number>,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 === 1
    ? (sorted[Math.floor(middle)] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A minimal OTLP/HTTP sink: reads and acknowledges every export. */
export async function startOtlpSink(): Promise<{
  url: string;
  bytes: () => number;
  close(): void;
}> {
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    // An empty success in the request's encoding (an empty protobuf message is 0 bytes).
    const json = req.headers['content-type'] === 'application/json';
    req.on('end', () =>
      res
        .writeHead(200, { 'content-type': String(req.headers['content-type']) })
        .end(json ? '{}' : ''),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytes: () => bytes,
    close: () => server.close(),
  };
}
