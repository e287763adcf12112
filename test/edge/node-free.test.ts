// The edge entry reaches no Node built-in and no Node-only package at run time: the runtimes it
// ships to have neither. The same check on the Node entry proves the check can fail.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeOnlyReachable } from './node-free-graph.ts';

const APP = join(import.meta.dirname, '..', '..', 'app');

describe('the edge graph', () => {
  it('app/edge.ts reaches nothing that needs Node', async () => {
    const found = await nodeOnlyReachable(join(APP, 'edge.ts'));
    expect(found.map(({ module, chain }) => `${module} via ${chain.join(' → ')}`)).toEqual([]);
  });

  it('finds what the API server reaches, with the chain to it', async () => {
    const found = await nodeOnlyReachable(join(APP, 'api-server.ts'));
    const modules = found.map((finding) => finding.module);
    expect(modules).toEqual(
      expect.arrayContaining(['node:http', 'pino', 'prom-client', 'postgres', '@hono/node-server']),
    );
    const pino = found.find((finding) => finding.module === 'pino');
    expect(pino?.chain[0]).toBe('app/api-server.ts');
    expect(pino?.chain.at(-1)).toBe('app/telemetry/logger.ts');
  });
});
