// The edge runtimes the edge bundle is tested and run under — workerd, Deno and Bun — installed
// from npm OUTSIDE the app's dependencies (they are large and only tests and `npm run edge` use
// them), into a cache folder per runtime keyed by its pinned version, so each is installed once
// per machine and reused by every run after. `.ci/run` calls this file, so tests never download.
//
// Each runtime's own npm package (`workerd`, `deno`, `bun`) fetches its binary in a postinstall
// script that may fail behind a strict egress; the platform packages it depends on carry the
// same binary inside the tarball, so those are installed, with no install scripts.
//
//   node scripts/edge/runtimes-install.ts [workerd|deno|bun …]   # installs what is missing (all
//                                                                 # by default), prints each binary
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type EdgeRuntime = 'workerd' | 'deno' | 'bun';

interface RuntimePackage {
  /** Pinned: a new version is a deliberate change (and a new cache folder). */
  version: string;
  /** The platform package that ships the binary, by `${process.platform}-${process.arch}`. */
  packages: Record<string, string>;
  /** Where the binary sits inside that package. */
  binary: string;
}

export const EDGE_RUNTIMES: Record<EdgeRuntime, RuntimePackage> = {
  workerd: {
    version: '1.20261117.1',
    packages: {
      'linux-x64': '@cloudflare/workerd-linux-64',
      'linux-arm64': '@cloudflare/workerd-linux-arm64',
      'darwin-x64': '@cloudflare/workerd-darwin-64',
      'darwin-arm64': '@cloudflare/workerd-darwin-arm64',
    },
    binary: 'bin/workerd',
  },
  deno: {
    version: '2.9.6',
    packages: {
      'linux-x64': '@deno/linux-x64-glibc',
      'linux-arm64': '@deno/linux-arm64-glibc',
      'darwin-x64': '@deno/darwin-x64',
      'darwin-arm64': '@deno/darwin-arm64',
    },
    binary: 'deno',
  },
  bun: {
    version: '1.4.5',
    packages: {
      'linux-x64': '@oven/bun-linux-x64',
      'linux-arm64': '@oven/bun-linux-aarch64',
      'darwin-x64': '@oven/bun-darwin-x64',
      'darwin-arm64': '@oven/bun-darwin-aarch64',
    },
    binary: 'bin/bun',
  },
};

function cacheRoot(): string {
  return (
    process.env.MYAPP_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'myapp')
  );
}

function platformPackage(runtime: EdgeRuntime): string {
  const platform = `${process.platform}-${process.arch}`;
  const name = EDGE_RUNTIMES[runtime].packages[platform];
  if (!name) throw new Error(`no ${runtime} package for ${platform}`);
  return name;
}

function installDir(runtime: EdgeRuntime): string {
  return join(cacheRoot(), `${runtime}-${EDGE_RUNTIMES[runtime].version}`);
}

/** Where the runtime's binary is once installed (tests check it exists, and skip or fail). */
export function runtimeBinary(runtime: EdgeRuntime, dir = installDir(runtime)): string {
  return join(dir, 'node_modules', platformPackage(runtime), EDGE_RUNTIMES[runtime].binary);
}

/** Written last: a folder without it is an interrupted install. */
const COMPLETE = '.installed';

function isInstalled(runtime: EdgeRuntime, dir = installDir(runtime)): boolean {
  return existsSync(join(dir, COMPLETE)) && existsSync(runtimeBinary(runtime, dir));
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // npm's own output to stderr: stdout carries only the binaries' paths (the Dockerfile reads it).
    const child = spawn(command, args, { cwd, stdio: ['ignore', 2, 2] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

/** Installs the runtime into the cache unless it is there; returns its binary. */
export async function ensureRuntime(
  runtime: EdgeRuntime,
  log: (line: string) => void = () => {},
): Promise<string> {
  const dir = installDir(runtime);
  if (isInstalled(runtime, dir)) return runtimeBinary(runtime, dir);
  const spec = `${platformPackage(runtime)}@${EDGE_RUNTIMES[runtime].version}`;
  log(`installing ${spec} into ${dir} (once per machine)`);
  // Into a folder of its own first, then renamed: a crash never leaves a half install in place,
  // and two concurrent installs do not write into one folder.
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await writeFile(join(partial, 'package.json'), '{ "private": true }\n');
  await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', spec], partial);
  await writeFile(join(partial, COMPLETE), `${new Date().toISOString()}\n`);
  if (isInstalled(runtime, dir)) await rm(partial, { recursive: true, force: true });
  else {
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
  }
  return runtimeBinary(runtime, dir);
}

if (import.meta.main) {
  const asked = process.argv.slice(2) as EdgeRuntime[];
  const unknown = asked.filter((name) => !(name in EDGE_RUNTIMES));
  if (unknown.length > 0) {
    process.stderr.write(`unknown runtime ${unknown.join(', ')}: expected workerd, deno or bun\n`);
    process.exit(2);
  }
  for (const runtime of asked.length > 0 ? asked : (Object.keys(EDGE_RUNTIMES) as EdgeRuntime[])) {
    const binary = await ensureRuntime(runtime, (line) => process.stderr.write(`${line}\n`));
    process.stdout.write(`${runtime} ${binary}\n`);
  }
}
