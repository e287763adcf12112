// Tests that need an external tool (promtool, helm, buildah…) skip loudly on a developer's
// machine that lacks it, and fail under CI=true, where .ci/run must have installed it.
import { execFileSync } from 'node:child_process';
import { describe } from 'vitest';

/** The tool's path when it is on PATH (or at `path`), otherwise undefined. */
export function findTool(name: string, path?: string): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', `command -v ${JSON.stringify(path ?? name)}`], {
        encoding: 'utf8',
      }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/**
 * `describe` when nothing the suite needs is missing; otherwise a loud skip on a developer's
 * machine, or under CI=true a failing suite. `missing` says what is missing and how to get it.
 */
export function describeRequiring(
  name: string,
  missing: string | undefined,
  body: () => void,
): void {
  if (missing === undefined) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      throw new Error(`CI=true and ${missing}`);
    });
    return;
  }
  process.stderr.write(`\n!!! SKIPPING tests: ${missing}\n\n`);
  describe.skip(`${name} (SKIPPED: ${missing})`, body);
}

/**
 * `describeRequiring` a tool on PATH (or at `path`).
 * Usage: `describeWithTool('promtool', (promtool) => { it(...) })`.
 */
export function describeWithTool(name: string, body: (path: string) => void, path?: string): void {
  const found = findTool(name, path);
  const missing = found
    ? undefined
    : `${name} is not installed: run .ci/run (or install it) to run these tests`;
  describeRequiring(`with ${name}`, missing, () => body(found ?? ''));
}
