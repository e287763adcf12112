// Services and the ingress as a real HAProxy (Debian's `haproxy`). Each rendered Service is an L4
// listener like kube-proxy: a connection is pinned to the pod it reached, nothing is retried, and
// an endpoint that goes away keeps its established connections. The ingress front is L7 like
// ingress-nginx: it talks to the Service's endpoints directly, appends X-Forwarded-For, keeps
// upstream connections alive and retries only connections that never opened. The Gateway is
// the same kind of L7 front whose servers carry weights: a Gateway API implementation picks one
// of the HTTPRoute's backendRefs by weight for every request, then one of that Service's
// endpoints. Backends are rewritten at runtime over the admin socket (no reload), from slots
// declared up front; so are weights.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/ports.ts';

const SLOTS = 12;

export interface Endpoint {
  ip: string;
  port: number;
  /** The server's share among its backend's (HAProxy's 1–256); absent: HAProxy's default 1. */
  weight?: number;
}

export interface ProxyConfig {
  /** Service name → the port its listener takes here. */
  services: Record<string, number>;
  /** The Service the ingress routes to, and the ingress port. */
  ingress?: { service: string; port: number };
  /** The Gateway's port (its backends come from the HTTPRoute, not from one Service). */
  gateway?: number;
}

/** The L7 front of the ingress and of the Gateway, one `frontend` and its `backend`. */
function httpFront(name: string, backend: string, port: number, slots: string): string[] {
  return [
    `frontend ${name}`,
    '  mode http',
    `  bind 127.0.0.1:${port}`,
    '  option forwardfor',
    `  default_backend ${backend}`,
    `backend ${backend}`,
    '  mode http',
    // Each request is balanced on its own (no stickiness to the last server), by weight.
    '  balance roundrobin',
    // ingress-nginx's proxy_next_upstream "error timeout": a connection that failed to open
    // is tried on another endpoint; a request that reached a pod is never replayed.
    '  retries 2',
    '  option redispatch 1',
    '  retry-on conn-failure',
    '  http-reuse safe',
    `  ${slots}`,
  ];
}

export function haproxyConfig(socket: string, config: ProxyConfig): string {
  const slots = `server-template ep 1-${SLOTS} 127.0.0.1:9 disabled`;
  const lines = [
    'global',
    `  stats socket ${socket} mode 600 level admin`,
    '  maxconn 8192',
    'defaults',
    '  timeout connect 2s',
    '  timeout client 120s',
    '  timeout server 120s',
    '  timeout http-keep-alive 75s',
    '  timeout http-request 10s',
  ];
  for (const [service, port] of Object.entries(config.services))
    lines.push(
      `listen svc-${service}`,
      '  mode tcp',
      `  bind 127.0.0.1:${port}`,
      '  balance roundrobin',
      // kube-proxy forwards once: a refused connection is the client's failure.
      '  retries 0',
      `  ${slots}`,
    );
  if (config.ingress)
    lines.push(...httpFront('ingress', 'ing-endpoints', config.ingress.port, slots));
  if (config.gateway) lines.push(...httpFront('gateway', 'gw-endpoints', config.gateway, slots));
  return `${lines.join('\n')}\n`;
}

export class HaProxy {
  private readonly child: ChildProcess;
  private readonly socket: string;
  /** Backend → slot index → endpoint currently in it. */
  private readonly slots = new Map<string, (Endpoint | undefined)[]>();
  private queue: Promise<unknown> = Promise.resolve();
  readonly ports: ProxyConfig;

  private constructor(child: ChildProcess, socket: string, ports: ProxyConfig) {
    this.child = child;
    this.socket = socket;
    this.ports = ports;
  }

  static async start(dir: string, services: string[], ingressService?: string): Promise<HaProxy> {
    const ports: ProxyConfig = { services: {} };
    for (const service of services) ports.services[service] = await freePort();
    if (ingressService) ports.ingress = { service: ingressService, port: await freePort() };
    ports.gateway = await freePort();
    const file = join(dir, 'haproxy.cfg');
    // A short path: a unix socket's path may not exceed ~100 bytes.
    const socket = join(mkdtempSync(join(tmpdir(), 'myapp-haproxy-')), 'admin.sock');
    writeFileSync(file, haproxyConfig(socket, ports));
    const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    // A test that timed out before its cleanup leaves no proxy behind.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    const proxy = new HaProxy(child, socket, ports);
    for (let tries = 0; ; tries++) {
      try {
        await proxy.command('show info');
        break;
      } catch (error) {
        if (child.exitCode !== null || tries > 100)
          throw new Error(`haproxy did not start: ${stderr || (error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    return proxy;
  }

  /** The address a client uses for a Service here (the stand-in for its ClusterIP). */
  serviceAddress(service: string): string | undefined {
    const port = this.ports.services[service];
    return port === undefined ? undefined : `127.0.0.1:${port}`;
  }

  get ingressUrl(): string | undefined {
    return this.ports.ingress ? `http://127.0.0.1:${this.ports.ingress.port}` : undefined;
  }

  /** The Gateway's listener (host:port), where the HTTPRoute's weights apply. */
  get gatewayAddress(): string | undefined {
    return this.ports.gateway ? `127.0.0.1:${this.ports.gateway}` : undefined;
  }

  /** One runtime API call (commands may be joined with `;`). */
  command(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.socket);
      let out = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        out += chunk;
      });
      socket.on('error', reject);
      socket.on('end', () => resolve(out));
      socket.end(`${text}\n`);
    });
  }

  /**
   * Makes a backend's servers exactly these endpoints. Slots of endpoints that stay are left
   * alone (their connections too); a removed endpoint's slot goes to maintenance, which stops new
   * connections and keeps established ones, as a removed endpoint does.
   */
  setEndpoints(backend: string, endpoints: Endpoint[]): Promise<void> {
    const run = async () => {
      const slots =
        this.slots.get(backend) ?? new Array<Endpoint | undefined>(SLOTS).fill(undefined);
      this.slots.set(backend, slots);
      const same = (a: Endpoint | undefined, b: Endpoint) => a?.ip === b.ip && a.port === b.port;
      const commands: string[] = [];
      slots.forEach((current, index) => {
        if (current && !endpoints.some((endpoint) => same(current, endpoint))) {
          commands.push(`set server ${backend}/ep${index + 1} state maint`);
          slots[index] = undefined;
        }
      });
      for (const endpoint of endpoints) {
        const kept = slots.findIndex((slot) => same(slot, endpoint));
        if (kept !== -1) {
          if (endpoint.weight !== undefined && endpoint.weight !== slots[kept]?.weight)
            commands.push(`set server ${backend}/ep${kept + 1} weight ${endpoint.weight}`);
          slots[kept] = endpoint;
          continue;
        }
        const free = slots.indexOf(undefined);
        if (free === -1) throw new Error(`${backend}: more than ${SLOTS} endpoints`);
        slots[free] = endpoint;
        commands.push(
          `set server ${backend}/ep${free + 1} addr ${endpoint.ip} port ${endpoint.port}`,
          ...(endpoint.weight === undefined
            ? []
            : [`set server ${backend}/ep${free + 1} weight ${endpoint.weight}`]),
          `set server ${backend}/ep${free + 1} state ready`,
        );
      }
      if (commands.length === 0) return;
      const answer = await this.command(commands.join(';'));
      if (/No such|Require|not found|invalid/i.test(answer))
        throw new Error(`haproxy refused "${commands.join(';')}": ${answer}`);
    };
    // One change at a time, in order.
    const next = this.queue.then(run);
    this.queue = next.catch(() => {});
    return next;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await once(this.child, 'exit');
  }
}
