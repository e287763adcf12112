// A per-machine cache for the tools that tests and local stacks need but the app never links
// (a real Unleash server, helm): each goes into a folder keyed by its pinned version, installed
// once and reused by every run after. `.ci/run` installs them before the tests, so tests never
// download anything, and `npm install` for the two everyday commands stays light.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `MYAPP_CACHE_DIR`, or `$XDG_CACHE_HOME/myapp` (`~/.cache/myapp`). */
export function cacheRoot(): string {
  return (
    process.env.MYAPP_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'myapp')
  );
}

/** Written last: a folder without it is an interrupted install. */
const COMPLETE = '.installed';

export function isInstalled(dir: string): boolean {
  return existsSync(join(dir, COMPLETE));
}

export function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // The tool's output goes to stderr: stdout is for what the installer prints (a path).
    const child = spawn(command, args, { cwd, stdio: ['ignore', 2, 2] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

/**
 * Installs into `dir` unless it holds a complete install. `install` fills a fresh folder of its
 * own first, which is then renamed into place: a crash never leaves a half install behind, and
 * two concurrent installs do not write into one folder.
 */
export async function installOnce(
  dir: string,
  install: (into: string) => Promise<void>,
): Promise<void> {
  if (isInstalled(dir)) return;
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await install(partial);
  await writeFile(join(partial, COMPLETE), `${new Date().toISOString()}\n`);
  if (isInstalled(dir)) await rm(partial, { recursive: true, force: true });
  else {
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
  }
}
