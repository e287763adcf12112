// The two real releases the rehearsal runs side by side. The current one is this checkout. The
// previous one is the code of an earlier commit, extracted with `git archive` (no worktree is
// registered) into the temporary folder (Node strips types only outside node_modules), sharing
// this checkout's node_modules, which is what
// its image would contain give or take patch versions. Its image tag is a semantic version
// below the current one, so the migration gate orders the two releases as it would in production.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_VERSION } from '../chart/cases.ts';

export const ROOT = join(import.meta.dirname, '../..');

/**
 * The earlier build: v1 and v2 users, flags, recommendations and the same migrations, with the
 * logging, tracing and migration-runner code of before. Bump it to the last release's commit when
 * cutting a release.
 */
const PREVIOUS_COMMIT = '43dbb6d';
export const PREVIOUS_TAG = `${APP_VERSION}-previous.${PREVIOUS_COMMIT}`;
export const CURRENT_TAG = APP_VERSION;

/** The folder with the previous release's app/, migrations/ and package.json. */
function previousReleaseDir(): string {
  const dir = join(tmpdir(), `myapp-rehearsal-${PREVIOUS_COMMIT}`);
  if (existsSync(join(dir, 'app/main.ts'))) return dir;
  const partial = `${dir}.${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    execFileSync(
      'sh',
      [
        '-c',
        'git -C "$1" archive "$2" app migrations package.json | tar -x -C "$3"',
        'sh',
        ROOT,
        PREVIOUS_COMMIT,
        partial,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    throw new Error(
      `cannot extract the previous release (commit ${PREVIOUS_COMMIT}; a shallow clone lacks it: fetch with --unshallow): ${(error as Error).message}`,
    );
  }
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(partial, 'node_modules'));
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return dir;
}

/** Image tag → the folder holding that image's files. */
export function codeDirFor(tag: string): string {
  if (tag === PREVIOUS_TAG) return previousReleaseDir();
  if (tag === CURRENT_TAG) return ROOT;
  throw new Error(
    `no code for image tag ${tag}: the rehearsal has ${PREVIOUS_TAG} and ${CURRENT_TAG}`,
  );
}
