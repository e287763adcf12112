// The edge tier's dependencies, the counterpart of app/deps.ts: the same configuration, a
// console JSON logger, recorders in place of prom-client, rate limits counted in this isolate,
// the bundled docs files, and the forwarder to the origin instead of a database.
import type { EdgeTierDeps } from '../app.ts';
import type { EdgeTierConfig } from '../config/processes.ts';
import { createMemoryStore } from '../http/rate-limit/memory-store.ts';
import { createLifecycle } from '../lifecycle/state.ts';
import type { LineLogger } from '../telemetry/line-logger.ts';
import { createRecordingMetrics } from '../telemetry/recording-metrics.ts';
import { bundledDocsAssets } from './docs-assets.ts';
import { originForwarder, peerAddress } from './origin.ts';

export function buildEdgeDeps(config: EdgeTierConfig, logger: LineLogger): EdgeTierDeps {
  const lifecycle = createLifecycle();
  // Nothing to wait for: no database, no flags. The runtime drains connections itself.
  lifecycle.advance('ready');
  return {
    config,
    logger,
    telemetry: {
      metrics: createRecordingMetrics(),
      // No tracer: the edge exports no spans; it passes trace context on (trace-context.ts).
      tracing: {
        tracer: undefined,
        extract: () => {
          throw new Error('the edge tier has no tracer');
        },
        inject: () => {},
        shutdown: async () => {},
      },
      runInRequest: (_scope, work) => work(),
    },
    lifecycle,
    clock: () => new Date(),
    peerAddress,
    rateLimitStore: createMemoryStore(),
    docsAssets: bundledDocsAssets(),
    // The origin serves the migration guides: the edge forwards their paths.
    migrationGuides: {},
    forward: originForwarder({ url: config.EDGE_ORIGIN_URL }),
  };
}
