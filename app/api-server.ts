// The API server (started by app/main.ts): configuration, dependencies, the HTTP server, and
// signals wired to the graceful shutdown. Everything with behaviour lives in the modules it calls.
import { createApp } from './app.ts';
import { apiServerConfig } from './config/processes.ts';
import { startHeartbeat } from './db/heartbeat.ts';
import { buildDeps, closeDeps } from './deps.ts';
import { createNodeServer } from './http/node-server.ts';
import { createShutdown, handleSignals } from './lifecycle/shutdown.ts';
import { createLogger } from './telemetry/logger.ts';
import { createMetricsServer } from './telemetry/metrics-server.ts';

const config = apiServerConfig.loadOrReport(process.env) ?? process.exit(2);
const logger = createLogger({ level: config.LOG_LEVEL, redact: config.LOG_REDACT });
const deps = await buildDeps(config, logger).catch((error: unknown) => {
  logger.fatal({ err: error }, `cannot start: ${error instanceof Error ? error.message : error}`);
  logger.flush();
  process.exit(1);
});

// This instance's release and heartbeat in the database: the contract gate's evidence that an
// older release is still serving (app/db/heartbeat.ts).
const heartbeat = startHeartbeat({
  db: deps.db,
  release: config.RELEASE,
  intervalMs: config.HEARTBEAT_INTERVAL_MS,
  logger,
});

const server = createNodeServer(createApp(deps).fetch, config);

// Prometheus scrapes its own port; it keeps answering through the drain, so the last scrapes
// see the draining state and the final requests.
const metrics = createMetricsServer(deps.telemetry.expose);
metrics.server.on('error', (error) => {
  logger.fatal({ err: error }, 'metrics server failed');
  logger.flush();
  process.exit(1);
});
metrics.server.listen(config.METRICS_PORT, config.HOST, () => {
  const address = metrics.server.address();
  const port = typeof address === 'object' && address ? address.port : config.METRICS_PORT;
  logger.info({ port, host: config.HOST }, 'metrics listening');
});

// Before listen(): the shutdown tracks every connection from its first byte.
const shutdown = createShutdown({
  server,
  lifecycle: deps.lifecycle,
  drainDelayMs: config.DRAIN_DELAY_MS,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  logger,
  cleanup: async () => {
    await metrics.close();
    // Before the pool closes: records that this instance stopped serving.
    await heartbeat.stop();
    await closeDeps(deps);
    logger.flush();
  },
});
handleSignals(shutdown, { logger });

server.on('error', (error) => {
  logger.fatal({ err: error }, 'server failed');
  logger.flush();
  process.exit(1);
});
server.listen(config.PORT, config.HOST, () => {
  deps.lifecycle.advance('ready');
  logger.info({ port: config.PORT, host: config.HOST, database: deps.db.engine }, 'listening');
});
