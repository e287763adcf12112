// A real Unleash server for `npm run stack` and the tests, installed from npm OUTSIDE the app's
// dependencies: unleash-server is AGPL, and the app must never link it. It goes into the tool
// cache (about 25 s and 200 MB, once per machine). `.ci/run` calls this file, so tests never
// download anything.
//
//   node scripts/tools/unleash-install.ts   # installs if missing, prints the server's entry
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot, installOnce, isInstalled, run } from './tool-cache.ts';

/** Pinned: a new version is a deliberate change (and a new cache folder). */
export const UNLEASH_SERVER_VERSION = '8.2.0';

export function unleashInstallDir(): string {
  return join(cacheRoot(), `unleash-server-${UNLEASH_SERVER_VERSION}`);
}

/** The script that starts the server (it reads its settings from the environment). */
export function unleashServerEntry(dir = unleashInstallDir()): string {
  return join(dir, 'node_modules', 'unleash-server', 'dist', 'server.js');
}

export function isUnleashServerInstalled(dir = unleashInstallDir()): boolean {
  return isInstalled(dir) && existsSync(unleashServerEntry(dir));
}

/** Installs unleash-server into the cache unless it is there; returns the server's entry. */
export async function ensureUnleashServer(log: (line: string) => void = () => {}): Promise<string> {
  const dir = unleashInstallDir();
  if (isUnleashServerInstalled(dir)) return unleashServerEntry(dir);
  log(`installing unleash-server@${UNLEASH_SERVER_VERSION} into ${dir} (once per machine)`);
  await installOnce(dir, async (into) => {
    await writeFile(join(into, 'package.json'), '{ "private": true }\n');
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
      into,
    );
  });
  return unleashServerEntry(dir);
}

if (import.meta.main) {
  const entry = await ensureUnleashServer((line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${entry}\n`);
}
