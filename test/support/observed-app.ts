// The real app in this process, as app/main.ts wires it — API server, metrics server on its own
// port, telemetry from the configuration — with its log lines captured for assertions.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { createApp, type Deps } from '../../app/app.ts';
import { apiServerConfig } from '../../app/config/processes.ts';
import { applyMigrations } from '../../app/db/migrate/runner.ts';
import { buildDeps, closeDeps } from '../../app/deps.ts';
import { createLogger } from '../../app/telemetry/logger.ts';
import { createMetricsServer } from '../../app/telemetry/metrics-server.ts';

export interface ObservedApp {
  url: string;
  metricsUrl: string;
  deps: Deps;
  /** Every log line so far, parsed. */
  logs: Record<string, unknown>[];
  /** The Hono app, for a test to add a route (a stand-in for a feature not built yet). */
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

function address(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** `migrate: false` leaves the database as it is (missing, unmigrated or unreachable). */
export async function startObservedApp(
  databaseUrl: string,
  env: Record<string, string> = {},
  { migrate = true }: { migrate?: boolean } = {},
): Promise<ObservedApp> {
  const config = apiServerConfig.load({
    LOG_LEVEL: 'info',
    RATE_LIMITS: 'v1=0',
    DATABASE_URL: databaseUrl,
    ...env,
  });
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ level: config.LOG_LEVEL, redact: config.LOG_REDACT, destination });
  const deps = await buildDeps(config, logger);
  if (migrate) await applyMigrations(deps.db, createLogger({ level: 'silent' }));
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  const metrics = createMetricsServer(deps.telemetry.expose);
  metrics.server.listen(0, '127.0.0.1');
  await Promise.all([once(server, 'listening'), once(metrics.server, 'listening')]);
  deps.lifecycle.advance('ready');
  return {
    url: `http://127.0.0.1:${address(server)}`,
    metricsUrl: `http://127.0.0.1:${address(metrics.server)}/metrics`,
    deps,
    logs,
    app,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await metrics.close();
      await closeDeps(deps);
    },
  };
}
