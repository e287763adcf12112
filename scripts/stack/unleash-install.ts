// A real Unleash server for `npm run stack` and the tests, installed from npm OUTSIDE the app's
// dependencies: unleash-server is AGPL, and the app must never link it. It goes into a cache
// folder keyed by its version, so it is installed once per machine (about 25 s, 200 MB) and
// reused by every run after. `.ci/run` calls this file, so tests never download anything.
//
//   node scripts/stack/unleash-install.ts   # installs if missing, prints the server's entry
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Pinned: a new version is a deliberate change (and a new cache folder). */
export const UNLEASH_SERVER_VERSION = '8.2.0';

function cacheRoot(): string {
  return (
    process.env.MYAPP_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'myapp')
  );
}

export function unleashInstallDir(): string {
  return join(cacheRoot(), `unleash-server-${UNLEASH_SERVER_VERSION}`);
}

/** The script that starts the server (it reads its settings from the environment). */
export function unleashServerEntry(dir = unleashInstallDir()): string {
  return join(dir, 'node_modules', 'unleash-server', 'dist', 'server.js');
}

/** Written last: a folder without it is an interrupted install. */
const COMPLETE = '.installed';

export function isUnleashServerInstalled(dir = unleashInstallDir()): boolean {
  return existsSync(join(dir, COMPLETE)) && existsSync(unleashServerEntry(dir));
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

/** Installs unleash-server into the cache unless it is there; returns the server's entry. */
export async function ensureUnleashServer(log: (line: string) => void = () => {}): Promise<string> {
  const dir = unleashInstallDir();
  if (isUnleashServerInstalled(dir)) return unleashServerEntry(dir);
  log(`installing unleash-server@${UNLEASH_SERVER_VERSION} into ${dir} (once per machine)`);
  // Into a folder of its own first, then renamed: a crash never leaves a half install in place,
  // and two concurrent installs do not write into one folder.
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await writeFile(join(partial, 'package.json'), '{ "private": true }\n');
  // No install scripts: the server needs none (its only one sets up git hooks for its authors).
  await run(
    'npm',
    [
      'install',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      `unleash-server@${UNLEASH_SERVER_VERSION}`,
    ],
    partial,
  );
  await writeFile(join(partial, COMPLETE), `${new Date().toISOString()}\n`);
  if (isUnleashServerInstalled(dir)) await rm(partial, { recursive: true, force: true });
  else {
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
  }
  return unleashServerEntry(dir);
}

if (import.meta.main) {
  const entry = await ensureUnleashServer((line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${entry}\n`);
}
