// The edge entry: the same createApp as the container, as a Web-standard module worker
// (`export default { fetch }`) that workerd, `deno serve` and Bun all run. It answers what
// needs no database — version negotiation and its 400/410s, deprecation and rate-limit
// headers, /health, the OpenAPI documents, docs and problem pages — and forwards the rest to
// the container origin (EDGE_ORIGIN_URL). Bundled by scripts/edge/build.ts; see docs/edge.md.
// The app is built on the first request: workerd hands over its settings only then.
import { createApp } from './app.ts';
import { ConfigError } from './config/compose.ts';
import { edgeTierConfig } from './config/processes.ts';
import { withCacheHeaders } from './edge/cache.ts';
import { buildEdgeDeps } from './edge/deps.ts';
import { remoteAddress, runtimeName, settings } from './edge/runtime.ts';
import { createConsoleLogger } from './telemetry/console-logger.ts';

type Handler = (request: Request, env: { remoteAddress?: string }) => Promise<Response>;

let handler: Handler | undefined;

function build(second: unknown): Handler {
  try {
    const config = edgeTierConfig.load(settings(second));
    const logger = createConsoleLogger({ level: config.LOG_LEVEL, redact: config.LOG_REDACT });
    const app = createApp(buildEdgeDeps(config, logger));
    logger.info({ runtime: runtimeName(), origin: config.EDGE_ORIGIN_URL }, 'edge tier ready');
    return async (request, env) => app.fetch(request, env);
  } catch (error) {
    // Misconfigured: say why on every request rather than crash-looping the isolate.
    const message =
      error instanceof ConfigError || error instanceof Error ? error.message : String(error);
    createConsoleLogger({ level: 'info' }).fatal({}, `cannot start: ${message}`);
    return async () =>
      new Response(JSON.stringify({ title: 'Edge tier misconfigured', status: 503 }), {
        status: 503,
        headers: { 'content-type': 'application/problem+json' },
      });
  }
}

export default {
  // Bun serves this object; without it Bun runs a development server (error pages with source).
  development: false,
  async fetch(request: Request, second?: unknown): Promise<Response> {
    handler ??= build(second);
    const response = await handler(request, { remoteAddress: remoteAddress(request, second) });
    return withCacheHeaders(request, response);
  },
};
