// PGlite has no server process to arbitrate access: two processes opening one data folder both
// succeed and then corrupt it. A pid file taken with O_EXCL makes the second one stop instead,
// with a message saying who holds the folder. A lock whose process is gone is taken over.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export class DataDirInUseError extends Error {
  constructor(dir: string, pid: number) {
    super(`${dir} is in use by another process (pid ${pid}); stop it, or point DATA_DIR elsewhere`);
    this.name = 'DataDirInUseError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock; resolves to a function that gives it back. */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'myapp.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(String(process.pid));
      await file.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      // Our own pid in the file means a previous life of this container (pid 1 again): stale.
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new DataDirInUseError(dir, holder);
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}
