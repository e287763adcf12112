// Runs a command of a built image the way a hardened pod would, without a container engine:
// the image's root filesystem (from `buildah mount`) mounted READ-ONLY, tmpfs on /tmp and /data
// (the pod's emptyDirs), a PID namespace of its own so the command is PID 1, the image's user,
// working directory and environment (from the image config, not restated here). The network is
// the host's, so the process reaches the test PostgreSQL on 127.0.0.1.
//
// Needs root (mount, chroot, unshare); the user switch is chroot's --userspec.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { collectJsonLines } from '../support/json-lines.ts';
import type { ImageInfo } from './buildah.ts';

export interface ImageProcess {
  child: ChildProcess;
  /** stdout lines, parsed as JSON where they are JSON. */
  logs: Record<string, unknown>[];
  output(): string;
  exited: Promise<number | string>;
  /** The host pid of the command itself (PID 1 inside), once it has started. */
  commandPid(): Promise<number>;
}

export function runInImage(options: {
  root: string;
  config: ImageInfo['OCIv1']['config'];
  /** Replaces the image's Entrypoint + Cmd, as a pod's `command` does; default: the image's. */
  command?: readonly string[];
  env?: Record<string, string>;
}): ImageProcess {
  const { root, config } = options;
  const command = options.command ?? [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  // The image's USER, numeric as the Dockerfile sets it: "uid" or "uid:gid".
  const [uid = '0', gid = uid] = (config.User || '0').split(':');
  const env = new Map<string, string>();
  for (const entry of config.Env ?? []) {
    const at = entry.indexOf('=');
    env.set(entry.slice(0, at), entry.slice(at + 1));
  }
  for (const [name, value] of Object.entries(options.env ?? {})) env.set(name, value);

  const q = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
  const script = [
    'set -e',
    `R=${q(root)}`,
    // A bind mount of the root onto itself, then read-only: every write outside the volumes fails.
    'mount --bind "$R" "$R"',
    'mount -o remount,bind,ro "$R"',
    'mount -t tmpfs -o mode=1777,size=64m tmpfs "$R/tmp"',
    `mount -t tmpfs -o uid=${uid},gid=${gid},mode=0700,size=256m tmpfs "$R/data"`,
    'mount -t proc proc "$R/proc"',
    // chroot and env exec in turn, so the command ends up as PID 1 of the namespace.
    `exec chroot --userspec=${q(`${uid}:${gid}`)} --groups=${q(gid)} "$R" /usr/bin/env -i -C ${q(config.WorkingDir || '/')} ${[
      ...env,
    ]
      .map(([name, value]) => q(`${name}=${value}`))
      .join(' ')} ${command.map(q).join(' ')}`,
  ].join('\n');

  const child = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child', 'sh', '-c', script],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const logs = collectJsonLines(child.stdout, (chunk) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);

  async function commandPid(): Promise<number> {
    // unshare --fork has exactly one child: the namespace's PID 1.
    for (let tries = 0; tries < 100; tries++) {
      const children = await readFile(
        `/proc/${child.pid}/task/${child.pid}/children`,
        'utf8',
      ).catch(() => '');
      const pid = Number.parseInt(children.trim(), 10);
      if (pid > 0) return pid;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no command process under unshare (pid ${child.pid}): ${output}`);
  }

  return { child, logs, output: () => output, exited, commandPid };
}

/** Uid, gid, namespace pid and command line of a process, from /proc/<pid>. */
export async function processIdentity(
  pid: number,
): Promise<{ uid: number; gid: number; nsPid: number; argv: string[] }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
  return {
    uid: Number(field('Uid').split(/\s+/)[0]),
    gid: Number(field('Gid').split(/\s+/)[0]),
    // The last pid of NSpid is the one inside the innermost namespace.
    nsPid: Number(field('NSpid').split(/\s+/).at(-1)),
    argv,
  };
}
