// The Node HTTP server the API runs on, with the limits a hostile client meets: headers and
// whole requests must arrive in time (Node's own defaults, 60 s and 300 s, let slowloris
// connections sit for minutes), and one process holds at most MAX_CONNECTIONS sockets.
// Neither timeout runs on an idle keep-alive connection (they start with a request's first
// byte); KEEP_ALIVE_TIMEOUT_MS alone must exceed the load balancer's idle timeout.
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { ServerConfig } from '../config/server.ts';

type Fetch = (request: Request, env: unknown) => Response | Promise<Response>;

/** Node checks both timeouts on this interval (30 s by default, so they fired up to 30 s late). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export type ServerLimits = Pick<
  ServerConfig,
  'KEEP_ALIVE_TIMEOUT_MS' | 'HEADERS_TIMEOUT_MS' | 'RECEIVE_TIMEOUT_MS' | 'MAX_CONNECTIONS'
>;

export function createNodeServer(fetch: Fetch, limits: ServerLimits): Server {
  const server = createAdaptorServer({
    fetch,
    serverOptions: {
      keepAliveTimeout: limits.KEEP_ALIVE_TIMEOUT_MS,
      headersTimeout: limits.HEADERS_TIMEOUT_MS,
      requestTimeout: limits.RECEIVE_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, limits.HEADERS_TIMEOUT_MS),
    },
  }) as Server;
  server.maxConnections = limits.MAX_CONNECTIONS;
  return server;
}
