// The edge runtimes the edge bundle is tested and run under — workerd, Deno and Bun — installed
// from npm OUTSIDE the app's dependencies (they are large and only tests and `npm run edge` use
// them), into a cache folder per runtime keyed by its pinned version, so each is installed once
// per machine and reused by every run after (the tool cache, tool-cache.ts). `.ci/run` calls this
// file, so tests never download.
//
// Each runtime's own npm package (`workerd`, `deno`, `bun`) fetches its binary in a postinstall
// script that may fail behind a strict egress; the platform packages it depends on carry the
// same binary inside the tarball, so those are installed, with no install scripts.
//
//   node scripts/tools/edge-runtimes-install.ts [workerd|deno|bun …]
//     installs what is missing (all three by default) and prints each binary's path
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot, installOnce, isInstalled, run } from './tool-cache.ts';

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

function isRuntimeInstalled(runtime: EdgeRuntime, dir = installDir(runtime)): boolean {
  return isInstalled(dir) && existsSync(runtimeBinary(runtime, dir));
}

/** Installs the runtime into the cache unless it is there; returns its binary. */
export async function ensureRuntime(
  runtime: EdgeRuntime,
  log: (line: string) => void = () => {},
): Promise<string> {
  const dir = installDir(runtime);
  if (isRuntimeInstalled(runtime, dir)) return runtimeBinary(runtime, dir);
  const spec = `${platformPackage(runtime)}@${EDGE_RUNTIMES[runtime].version}`;
  log(`installing ${spec} into ${dir} (once per machine)`);
  await installOnce(dir, async (into) => {
    await writeFile(join(into, 'package.json'), '{ "private": true }\n');
    await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', spec], into);
  });
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
