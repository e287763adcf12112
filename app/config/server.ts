// The Node server of the API (app/main.ts): where it listens, its timeouts and connection
// limits, readiness, shutdown, and the heartbeat each instance writes.
import { z } from 'zod';
import type { Check } from './compose.ts';
import { type ConfigOf, DAY_MS, integer, variables } from './variable.ts';

export const server = variables({
  PORT: {
    schema: integer(1, 65_535),
    default: '3000',
    doc: 'TCP port of the HTTP API.',
  },
  HOST: {
    schema: z.string().trim().min(1, 'expected a host name or address'),
    default: '0.0.0.0',
    doc: 'Address the HTTP API listens on.',
  },
  DRAIN_DELAY_MS: {
    schema: integer(0, DAY_MS),
    default: '5000',
    doc: 'After SIGTERM, how long `/ready` fails while the server still serves, so load balancers stop sending traffic first.',
  },
  SHUTDOWN_TIMEOUT_MS: {
    schema: integer(1, DAY_MS),
    default: '25000',
    doc: 'Counted from SIGTERM: connections still open then are closed by force. Must exceed `DRAIN_DELAY_MS`.',
  },
  KEEP_ALIVE_TIMEOUT_MS: {
    schema: integer(1_000, DAY_MS),
    default: '65000',
    doc: 'Idle keep-alive connections are closed after this; keep it above the load balancer idle timeout (60 s on most).',
  },
  HEADERS_TIMEOUT_MS: {
    schema: integer(1_000, 600_000),
    default: '10000',
    doc: "A client that has not sent a request's headers within this gets 408 and the connection is closed (slowloris). Counted from the request's first byte: an idle keep-alive connection is not timed by it, so it need not exceed the load balancer's idle timeout.",
  },
  RECEIVE_TIMEOUT_MS: {
    schema: integer(1_000, 3_600_000),
    default: '20000',
    doc: 'A client that has not sent a whole request (headers and body) within this gets a bare 408 from Node. At least `HEADERS_TIMEOUT_MS`; keep it above `REQUEST_TIMEOUT_MS`, so a stalled body gets the 408 problem first.',
  },
  MAX_CONNECTIONS: {
    schema: integer(1, 1_000_000),
    default: '4096',
    doc: 'Open connections one process accepts; past it new ones are closed at once (a socket flood costs a bounded amount of memory). A load balancer in front needs far fewer.',
  },
  READY_DB_TIMEOUT_MS: {
    schema: integer(10, 60_000),
    default: '1000',
    doc: 'How long `/ready` waits for the database before answering 503.',
  },
  METRICS_PORT: {
    schema: integer(0, 65_535),
    default: '9464',
    doc: 'TCP port of the Prometheus `/metrics` server, separate from the API so the ingress never routes it (0: any free port).',
  },
  HEARTBEAT_INTERVAL_MS: {
    schema: integer(100, 3_600_000),
    default: '10000',
    doc: "How often each app instance records its release and a heartbeat in the database (the contract gate's evidence).",
  },
});

export type ServerConfig = ConfigOf<typeof server>;

export const serverChecks: readonly Check<ServerConfig>[] = [
  (config) =>
    config.SHUTDOWN_TIMEOUT_MS <= config.DRAIN_DELAY_MS
      ? `SHUTDOWN_TIMEOUT_MS=${config.SHUTDOWN_TIMEOUT_MS}: expected more than DRAIN_DELAY_MS (${config.DRAIN_DELAY_MS}), or in-flight requests get no time to finish`
      : undefined,
  // Node refuses a server whose headers timeout exceeds its request timeout.
  (config) =>
    config.RECEIVE_TIMEOUT_MS < config.HEADERS_TIMEOUT_MS
      ? `RECEIVE_TIMEOUT_MS=${config.RECEIVE_TIMEOUT_MS}: expected at least HEADERS_TIMEOUT_MS (${config.HEADERS_TIMEOUT_MS})`
      : undefined,
];
