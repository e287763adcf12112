// The image sizes V8 in NODE_OPTIONS and on its command (Dockerfile); the chart sets the
// container's memory limit.
// They must agree: an old generation allowed to grow past the limit ends in an OOM kill rather
// than a garbage collection. Half the limit leaves room for the young generation, code, buffers
// and the span-export worker.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { imageNodeFlags, imageNodeOptions } from '../support/image-node-options.ts';

const ROOT = join(import.meta.dirname, '../..');

function mebibytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

describe("the image's V8 sizes and the chart's memory limit", () => {
  it('caps the old generation at no more than half the app container limit', () => {
    const values = parse(readFileSync(join(ROOT, 'chart/values.yaml'), 'utf8'));
    const limit = mebibytes(values.resources.limits.memory);
    const oldSpace = Number(/--max-old-space-size=(\d+)/.exec(imageNodeOptions())?.[1]);
    expect(oldSpace).toBeGreaterThan(0);
    expect(oldSpace).toBeLessThanOrEqual(limit / 2);
  });

  it('sizes the young generation, which V8 would otherwise size from the node', () => {
    const semiSpace = Number(/--max-semi-space-size=(\d+)/.exec(imageNodeOptions())?.[1]);
    expect(semiSpace).toBeGreaterThan(0);
    expect(semiSpace).toBeLessThanOrEqual(32);
  });

  it('gives the server V8 flags this Node accepts, and accepts them only on the command', () => {
    const flags = imageNodeFlags();
    expect(flags.length).toBeGreaterThan(0);
    // A misspelt or retired flag makes Node refuse to start: the pod would never become ready.
    expect(
      execFileSync(process.execPath, [...flags, '-p', '"started"'], { encoding: 'utf8' }),
    ).toBe('started\n');
    // Were Node to take them in NODE_OPTIONS, they would belong there with the sizes, where the
    // migration Job gets them too.
    for (const flag of flags)
      expect(() =>
        execFileSync(process.execPath, ['-e', '0'], {
          env: { ...process.env, NODE_OPTIONS: flag },
          stdio: 'pipe',
        }),
      ).toThrow(/not allowed in NODE_OPTIONS/);
  });
});
