// The Prometheus endpoint on its own port (METRICS_PORT): separate from the API so the ingress
// never routes it, the API's middleware (rate limits, timeouts, access log) never touches it, and
// scrapes never count as API traffic in the SLOs.
import { createServer, type Server } from 'node:http';
import type { Exposition } from './metrics.ts';

export interface MetricsServer {
  readonly server: Server;
  close(): Promise<void>;
}

export function createMetricsServer(
  expose: (accept: string | undefined) => Promise<Exposition>,
): MetricsServer {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: try /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end();
      return;
    }
    expose(req.headers.accept).then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`scrape failed: ${error}\n`);
      },
    );
  });
  // Above the usual scrape interval, so a scraper keeps reusing one connection.
  server.keepAliveTimeout = 65_000;
  return {
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
