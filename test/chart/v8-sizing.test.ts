// The image sizes V8 in NODE_OPTIONS (Dockerfile); the chart sets the container's memory limit.
// They must agree: an old generation allowed to grow past the limit ends in an OOM kill rather
// than a garbage collection. Half the limit leaves room for the young generation, code, buffers
// and the span-export worker.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { imageNodeOptions } from '../support/image-node-options.ts';

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
});
