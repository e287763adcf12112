import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from './data-dir-lock.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'myapp-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('refuses a folder held by a live process, naming its pid', async () => {
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    await writeFile(join(dir, 'myapp.pid'), String(holder.pid));
    const error = await lockDataDir(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataDirInUseError);
    expect((error as Error).message).toContain(`pid ${holder.pid}`);
  } finally {
    holder.kill();
  }
});

it('takes over a lock whose process is gone, and gives it back', async () => {
  const gone = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => gone.on('exit', resolve));
  await writeFile(join(dir, 'myapp.pid'), String(gone.pid));
  const release = await lockDataDir(dir);
  expect(await readFile(join(dir, 'myapp.pid'), 'utf8')).toBe(String(process.pid));
  await release();
  await expect(readFile(join(dir, 'myapp.pid'), 'utf8')).rejects.toThrow();
  // Free again: a second take works.
  await (await lockDataDir(dir))();
});

it('treats its own pid in the file as stale (a restarted container is pid 1 again)', async () => {
  await writeFile(join(dir, 'myapp.pid'), String(process.pid));
  await (await lockDataDir(dir))();
});
