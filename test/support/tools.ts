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
 * `describe` when the tool is there; otherwise a loud skip, or under CI=true a failure.
 * Usage: `describeWithTool('promtool', (promtool) => { it(...) })`.
 */
export function describeWithTool(name: string, body: (path: string) => void, path?: string): void {
  const found = findTool(name, path);
  if (found) {
    describe(`with ${name}`, () => body(found));
    return;
  }
  const reason = `${name} is not installed: run .ci/run (or install it) to run these tests`;
  if (process.env.CI === 'true') {
    describe(`with ${name}`, () => {
      throw new Error(`CI=true and ${reason}`);
    });
    return;
  }
  process.stderr.write(`\n!!! SKIPPING tests: ${reason}\n\n`);
  describe.skip(`with ${name} (SKIPPED: ${reason})`, () => body(''));
}
