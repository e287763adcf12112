// Release ids are semantic versions, so "older release" has one meaning for the contract gate,
// the rollback check and the headers of contract files (`after=1.4.0`). Precedence follows
// semver.org §11: numbers compare numerically, a pre-release sorts before its release, build
// metadata is ignored. A leading "v" is allowed.

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

interface Release {
  core: [number, number, number];
  prerelease: string[];
}

function parse(text: string): Release | undefined {
  // Image tags and git tags often spell 1.4.2 as v1.4.2: the same release.
  const match = SEMVER.exec(text.startsWith('v') ? text.slice(1) : text);
  if (!match) return undefined;
  return {
    core: [Number(match[1]), Number(match[2]), Number(match[3])],
    prerelease: match[4] ? match[4].split('.') : [],
  };
}

export function isRelease(text: string): boolean {
  return parse(text) !== undefined;
}

function compareIdentifiers(a: string, b: string): number {
  const numericA = /^\d+$/.test(a);
  const numericB = /^\d+$/.test(b);
  if (numericA && numericB) return Math.sign(Number(a) - Number(b));
  if (numericA) return -1;
  if (numericB) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Negative when `a` is older than `b`, positive when newer, 0 when equal in precedence.
 * Throws on a string that is not a semantic version: callers decide what an unknown one means.
 */
export function compareReleases(a: string, b: string): number {
  const left = parse(a);
  const right = parse(b);
  if (!left || !right) throw new TypeError(`not a semantic version: ${left ? b : a}`);
  for (let i = 0; i < 3; i++) {
    const difference = (left.core[i] ?? 0) - (right.core[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  if (left.prerelease.length === 0 || right.prerelease.length === 0) {
    // A release without pre-release tag is newer than any pre-release of the same numbers.
    return Math.sign(right.prerelease.length - left.prerelease.length);
  }
  const length = Math.max(left.prerelease.length, right.prerelease.length);
  for (let i = 0; i < length; i++) {
    const x = left.prerelease[i];
    const y = right.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const order = compareIdentifiers(x, y);
    if (order !== 0) return order;
  }
  return 0;
}

/** `release` is older than `than`; a release that is not a version counts as older (unknown age). */
export function isOlderRelease(release: string, than: string): boolean {
  if (!isRelease(release)) return true;
  return compareReleases(release, than) < 0;
}
