// The conventional peer (bench/peers/express/) with its own dependencies, installed into the tool
// cache once per version of its package.json and never into the app's node_modules.
import { createHash } from 'node:crypto';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot, installOnce, run } from '../../scripts/tools/tool-cache.ts';

const PEER = join(import.meta.dirname, '../peers/express');

/** The folder to run the Express peer's `server.mjs` from, installed if need be. */
export async function expressPeerDir(): Promise<string> {
  const manifest = await readFile(join(PEER, 'package.json'), 'utf8');
  const version = createHash('sha256').update(manifest).digest('hex').slice(0, 12);
  const dir = join(cacheRoot(), `bench-express-peer-${version}`);
  await installOnce(dir, async (into) => {
    await copyFile(join(PEER, 'package.json'), join(into, 'package.json'));
    await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], into);
  });
  // The server itself is copied at every start, so an edit to it needs no reinstall.
  await copyFile(join(PEER, 'server.mjs'), join(dir, 'server.mjs'));
  return dir;
}
