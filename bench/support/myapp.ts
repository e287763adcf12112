// myapp as the benches start it: the real entry (app/main.ts) as a child process on a bench
// database, with the image's V8 flags (its NODE_OPTIONS and its command's), its metrics port
// scraped every second as Prometheus would, offline flags that turn the recommendation flag on,
// and rate limits the load never reaches.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageNodeFlags, imageNodeOptions } from '../../test/support/image-node-options.ts';
import { freePort } from '../../test/support/ports.ts';
import { type Server, startServer } from './load.ts';

const ROOT = join(import.meta.dirname, '../..');

/** new_recommendation_algo for everyone: the recommendations scenario runs the new algorithm. */
export const FLAG_ON = {
  version: 2,
  features: [
    {
      name: 'new_recommendation_algo',
      type: 'release',
      enabled: true,
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { rollout: '100', stickiness: 'default', groupId: 'new_recommendation_algo' },
          constraints: [],
        },
      ],
      variants: [],
    },
  ],
};

/** The configurations the benches compare, by name; `sink` is the OTLP receiver's URL. */
export const MYAPP_MODES = {
  'all on, traces 10%': (sink: string) => ({
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: sink,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.1',
  }),
  'all on, every request traced': (sink: string) => ({
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: sink,
  }),
  'defaults (no tracing)': () => ({ LOG_LEVEL: 'info' }),
  'telemetry off': () => ({ LOG_LEVEL: 'silent' }),
} satisfies Record<string, (sink: string) => Record<string, string>>;

export type MyappMode = keyof typeof MYAPP_MODES;

export interface MyappOptions {
  /** Node flags before the entry (`--cpu-prof`, V8 sizes…). */
  nodeArgs?: string[];
  /** More environment, over the mode's. */
  env?: Record<string, string>;
  /** Another checkout of myapp to run instead of this one (its own node_modules). */
  root?: string;
  /** The entry, relative to the checkout: app/main.ts, or a bench server of myapp's. */
  entry?: string;
}

/**
 * How the checkout's image runs Node: its NODE_OPTIONS and its command's V8 flags; none of
 * either for a checkout whose image sets none.
 */
export function asTheImageRuns(root = ROOT): { nodeOptions: string; nodeFlags: string[] } {
  const orNone = <T>(read: () => T, none: T): T => {
    try {
      return read();
    } catch {
      return none;
    }
  };
  return {
    nodeOptions: orNone(() => imageNodeOptions(root), ''),
    nodeFlags: orNone(() => imageNodeFlags(root), []),
  };
}

export async function startMyapp(
  name: string,
  env: Record<string, string>,
  databaseUrl: string,
  options: MyappOptions = {},
): Promise<Server> {
  const flags = join(tmpdir(), `myapp-bench-flags-${process.pid}.json`);
  await writeFile(flags, JSON.stringify(FLAG_ON));
  const metricsPort = await freePort();
  const image = asTheImageRuns(options.root);
  const server = await startServer(
    name,
    [
      process.execPath,
      ...image.nodeFlags,
      ...(options.nodeArgs ?? []),
      join(options.root ?? ROOT, options.entry ?? 'app/main.ts'),
    ],
    {
      DATABASE_URL: databaseUrl,
      DB_POOL_MAX: '10',
      DRAIN_DELAY_MS: '0',
      METRICS_PORT: String(metricsPort),
      FLAGS_FILE: flags,
      // Rate limiting stays on, with limits the bench never reaches.
      RATE_LIMITS: 'v1=999999999,v2=999999999',
      NODE_OPTIONS: image.nodeOptions,
      ...env,
      ...options.env,
    },
  );
  // Scraped every second, as Prometheus would.
  const scraper = setInterval(() => {
    fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
      (response) => response.arrayBuffer(),
      () => {},
    );
  }, 1_000);
  return {
    ...server,
    async stop() {
      clearInterval(scraper);
      await server.stop();
    },
  };
}
