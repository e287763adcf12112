// The real Dockerfile, built by buildah (no Docker engine here) against a stand-in of its base
// image, then run as its non-root user on a read-only root filesystem with node as PID 1: the
// migration commands the chart's Jobs run, /ready, the users API, and a graceful SIGTERM.
//
// Cost (2 cores): cold, on a machine that never ran it, about 1 min 30 s (debootstrap ~35 s, the
// image build with a full `npm ci --omit=dev` ~25 s, the runs ~15 s); warm, about 20 s (cached
// base image and build layers). It prints its figures and the image size.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { imageNodeFlags } from '../support/image-node-options.ts';
import { freePort } from '../support/ports.ts';
import { describeRequiring, describeWithTool } from '../support/tools.ts';
import { type Buildah, buildahWithStorage, type ImageInfo, imageCacheDir } from './buildah.ts';
import { type ImageProcess, processIdentity, runInImage } from './run-in-image.ts';
import { baseImageName, ensureStandInBase } from './stand-in-base.ts';

const ROOT = join(import.meta.dirname, '../..');
const IMAGE = 'localhost/myapp:image-test';
const BUILD_MINUTES = 15;

const report = (line: string) => process.stderr.write(`[image test] ${line}\n`);
const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

// Mounting, chroot and PID namespaces need root, as CI has; elsewhere this skips loudly.
describeRequiring(
  'image',
  process.getuid?.() === 0
    ? undefined
    : 'the image tests need root (mount, chroot, unshare): run them as root, as CI does',
  () => describeWithTool('debootstrap', () => describeWithTool('buildah', imageTests)),
);

function imageTests(buildahPath: string): void {
  let buildah: Buildah;
  let config: ImageInfo['OCIv1']['config'];
  let container: string | undefined;
  let root: string;
  let database: TestDatabase | undefined;
  const running: ImageProcess[] = [];

  beforeAll(
    async () => {
      const cacheDir = imageCacheDir();
      buildah = buildahWithStorage(buildahPath, cacheDir);
      const base = await ensureStandInBase({
        buildah,
        name: await baseImageName(join(ROOT, 'Dockerfile')),
        cacheDir,
        log: report,
      });
      report(`base ${base.name}: ${base.cached ? 'cached' : 'built'} in ${base.seconds} s`);

      const started = performance.now();
      const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
      await buildah(
        [
          'bud',
          '--isolation',
          'chroot',
          '--pull=never',
          '--layers',
          '--build-arg',
          `VERSION=${version}`,
          '--tag',
          IMAGE,
          '--file',
          join(ROOT, 'Dockerfile'),
          ROOT,
        ],
        { timeoutMs: BUILD_MINUTES * 60_000 },
      );
      const size = await buildah(['images', '--format', '{{.Size}}', IMAGE]);
      report(`built ${IMAGE} in ${seconds(started)} s; size ${size.trim()}`);

      config = (JSON.parse(await buildah(['inspect', '--type', 'image', IMAGE])) as ImageInfo).OCIv1
        .config;
      container = (await buildah(['from', '--pull=never', IMAGE])).trim();
      root = (await buildah(['mount', container])).trim();
      database = await createTestDatabase();
    },
    BUILD_MINUTES * 60_000 + 120_000,
  );

  afterAll(async () => {
    for (const process of running) {
      if (process.child.exitCode === null) process.child.kill('SIGKILL');
      await process.exited;
    }
    if (container) await buildah(['rm', container]);
    await database?.drop();
    // Layers of earlier builds nothing names any more; the current image is the next run's cache.
    await buildah?.(['rmi', '--prune']).catch(() => {});
  });

  function start(options: Omit<Parameters<typeof runInImage>[0], 'root' | 'config'>) {
    const process = runInImage({ root, config, ...options });
    running.push(process);
    return process;
  }

  async function listening(process: ImageProcess) {
    for (let waited = 0; !process.logs.some((line) => line.msg === 'listening'); waited += 50) {
      if (process.child.exitCode !== null)
        throw new Error(`exited before listening: ${process.output()}`);
      if (waited > 30_000) throw new Error(`not listening after 30 s: ${process.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('is configured to run node as a numeric non-root user, exec form, with OCI labels', () => {
    expect(config.User).toBe('1000:1000');
    expect(config.Entrypoint ?? []).toEqual([]);
    expect(config.Cmd).toEqual(['node', ...imageNodeFlags(), 'app/main.ts']);
    expect(config.WorkingDir).toBe('/app');
    expect(config.Env).toEqual(expect.arrayContaining(['NODE_ENV=production', 'DATA_DIR=/data']));
    expect(config.Labels).toMatchObject({
      'org.opencontainers.image.title': 'myapp',
      'org.opencontainers.image.version': expect.stringMatching(/^\d+\.\d+\.\d+/),
      'org.opencontainers.image.source': expect.any(String),
    });
  });

  it('holds production dependencies only, and no tests', async () => {
    const packageJson = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8'));
    const present = (path: string) =>
      access(join(root, path)).then(
        () => true,
        () => false,
      );
    for (const name of Object.keys(packageJson.dependencies as Record<string, string>))
      expect(await present(`app/node_modules/${name}/package.json`), name).toBe(true);
    // What the lock marks dev-only (devDependencies and what only they need) must be absent.
    const devOnly = Object.entries(lock.packages as Record<string, { dev?: boolean }>)
      .filter(([path, entry]) => entry.dev && /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path))
      .map(([path]) => path);
    expect(devOnly.length).toBeGreaterThan(100);
    const shipped = [];
    for (const path of devOnly) if (await present(`app/${path}`)) shipped.push(path);
    expect(shipped).toEqual([]);
    expect(await present('app/app/config.test.ts')).toBe(false);
    expect(await present('app/test')).toBe(false);
    expect(await present('app/app/main.ts')).toBe(true);
  });

  it('runs the migration commands of the chart’s Jobs from the same image, as its user', async () => {
    for (const command of ['expand', 'backfill']) {
      const migrate = start({
        command: ['node', 'app/db/migrate/cli.ts', command],
        env: { DATABASE_URL: database?.url ?? '' },
      });
      expect(await migrate.exited, migrate.output()).toBe(0);
    }
  });

  it('serves /ready and the API read-only as non-root, and drains on SIGTERM as PID 1', async () => {
    const port = await freePort();
    const app = start({
      env: {
        DATABASE_URL: database?.url ?? '',
        HOST: '127.0.0.1',
        PORT: String(port),
        METRICS_PORT: '0',
        DRAIN_DELAY_MS: '200',
        SHUTDOWN_TIMEOUT_MS: '5000',
      },
    });
    await listening(app);
    const url = `http://127.0.0.1:${port}`;

    const identity = await processIdentity(await app.commandPid());
    expect(identity).toEqual({
      argv: ['node', ...imageNodeFlags(), 'app/main.ts'],
      uid: 1000,
      gid: 1000,
      nsPid: 1,
    });

    const ready = await fetch(`${url}/ready`);
    expect(ready.status, await ready.clone().text()).toBe(200);
    const created = await fetch(`${url}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Image Test', email: 'image@example.com' }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const listed = await fetch(`${url}/api/v1/users`);
    expect((await listed.json()).data).toEqual([
      expect.objectContaining({ name: 'Image Test', email: 'image@example.com' }),
    ]);

    // PID 1 gets no default signal actions: only the app's own handler makes this work.
    process.kill(await app.commandPid(), 'SIGTERM');
    expect(await app.exited, app.output()).toBe(0);
    expect(app.logs.map((line) => line.event)).toEqual(
      expect.arrayContaining(['shutdown.signal', 'shutdown.draining']),
    );
  });

  it('runs on the embedded database in the /data volume when DATABASE_URL is unset', async () => {
    const port = await freePort();
    const app = start({
      env: { HOST: '127.0.0.1', PORT: String(port), METRICS_PORT: '0', DRAIN_DELAY_MS: '0' },
    });
    await listening(app);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(ready.status, await ready.clone().text()).toBe(200);
    process.kill(await app.commandPid(), 'SIGTERM');
    expect(await app.exited, app.output()).toBe(0);
  });
}
