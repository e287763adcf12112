// buildah with a storage of the tests' own, under a cache folder: the stand-in base image and the
// build's layer cache survive between runs on one machine, and nothing touches the machine's
// container storage (/var/lib/containers).
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the image tests keep what is slow to make: `MYAPP_IMAGE_CACHE` or ~/.cache/myapp-image. */
export function imageCacheDir(): string {
  return (
    process.env.MYAPP_IMAGE_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'myapp-image')
  );
}

/** Runs `buildah <args>` on the tests' storage and returns its stdout. */
export type Buildah = (
  args: readonly string[],
  options?: { timeoutMs?: number },
) => Promise<string>;

export function buildahWithStorage(buildahPath: string, cacheDir: string): Buildah {
  const storage = [
    '--root',
    join(cacheDir, 'storage'),
    '--runroot',
    join(cacheDir, 'runroot'),
    '--storage-driver',
    'overlay',
  ];
  return async (args, { timeoutMs = 120_000 } = {}) => {
    try {
      const { stdout } = await run(buildahPath, [...storage, ...args], {
        maxBuffer: 64 * 1024 * 1024,
        timeout: timeoutMs,
        env: { ...process.env, BUILDAH_ISOLATION: 'chroot' },
      });
      return stdout;
    } catch (error) {
      const failed = error as Error & { stdout?: string; stderr?: string };
      throw new Error(
        `buildah ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`,
      );
    }
  };
}

/** `buildah inspect` of an image, or undefined when there is no such image. */
export async function inspectImage(buildah: Buildah, name: string): Promise<ImageInfo | undefined> {
  try {
    return JSON.parse(await buildah(['inspect', '--type', 'image', name])) as ImageInfo;
  } catch {
    return undefined;
  }
}

/** The parts of `buildah inspect --type image` the tests read. */
export interface ImageInfo {
  FromImageID: string;
  OCIv1: {
    config: {
      User?: string;
      Env?: string[];
      Entrypoint?: string[] | null;
      Cmd?: string[] | null;
      WorkingDir?: string;
      Labels?: Record<string, string>;
      ExposedPorts?: Record<string, object>;
      StopSignal?: string;
    };
  };
}
