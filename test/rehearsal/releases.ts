// The real releases the rehearsal runs side by side. The current one is this checkout. A
// previous one is the code of an earlier commit, extracted with `git archive` (no worktree is
// registered) into the temporary folder (Node strips types only outside node_modules), sharing
// this checkout's node_modules, which is what its image would contain give or take patch
// versions. Its image tag is a semantic version below the current one, so the migration gate
// orders the releases as it would in production.
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

/**
 * The stable release of the canary scenarios. The chart's analysis Job runs on the stable
 * colour's image (the judge is not the release on trial), so that image must carry the analysis
 * (app/rollout/) as it judges today: this is the first commit whose analysis fails a canary on
 * evidence (binomial.ts). PREVIOUS_COMMIT's image has no analysis, and its Job would fail on a
 * missing module; the first analysis (ef74f9a) failed a healthy 5 % canary whenever one of its
 * two dozen requests in a window was slow, which a loaded CI machine provides.
 */
const JUDGING_COMMIT = 'a39f706';
export const JUDGING_TAG = `${APP_VERSION}-previous.${JUDGING_COMMIT}`;

function hasPath(commit: string, path: string): boolean {
  try {
    execFileSync('git', ['-C', ROOT, 'cat-file', '-e', `${commit}:${path}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The folder with an earlier release's app/, migrations/, package.json and docs/api/. */
function previousReleaseDir(commit: string): string {
  const dir = join(tmpdir(), `myapp-rehearsal-${commit}`);
  if (existsSync(join(dir, 'app/main.ts'))) return dir;
  const partial = `${dir}.${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    // What that commit's image holds: the API migration guides (docs/api) too, once the app
    // served them; git archive refuses a path its commit lacks.
    const paths = [
      'app',
      'migrations',
      'package.json',
      ...(hasPath(commit, 'docs/api') ? ['docs/api'] : []),
    ];
    execFileSync(
      'sh',
      [
        '-c',
        'root=$1 commit=$2 into=$3; shift 3; git -C "$root" archive "$commit" "$@" | tar -x -C "$into"',
        'sh',
        ROOT,
        commit,
        partial,
        ...paths,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    throw new Error(
      `cannot extract the previous release (commit ${commit}; a shallow clone lacks it: fetch with --unshallow): ${(error as Error).message}`,
    );
  }
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(partial, 'node_modules'));
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return dir;
}

/** Image tag → the folder holding that image's files. */
export function codeDirFor(tag: string): string {
  if (tag === PREVIOUS_TAG) return previousReleaseDir(PREVIOUS_COMMIT);
  if (tag === JUDGING_TAG) return previousReleaseDir(JUDGING_COMMIT);
  if (tag === CURRENT_TAG) return ROOT;
  throw new Error(
    `no code for image tag ${tag}: the rehearsal has ${PREVIOUS_TAG}, ${JUDGING_TAG} and ${CURRENT_TAG}`,
  );
}
