// The drain over real sockets: a plain node:http server whose handler is slow on demand, real
// clients (keep-alive agents, raw TCP sockets), and real signals sent to a child process.
// Durations are only bounded generously; what is asserted is the order of things.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../telemetry/logger.ts';
import { createShutdown, handleSignals, type Shutdown } from './shutdown.ts';
import { createLifecycle, type Lifecycle } from './state.ts';

interface LogLine {
  event?: string;
  level: string;
  msg: string;
  [key: string]: unknown;
}

interface Harness {
  server: Server;
  port: number;
  lifecycle: Lifecycle;
  lines: LogLine[];
  shutdown: Shutdown;
  cleanups: number;
  /** How many connections the server accepted. */
  accepted: number;
  /** How many requests reached the handler. */
  arrived: number;
  /** Lets every waiting `/slow` and `/stream` handler finish. */
  release(): void;
  events(): string[];
}

const harnesses: Harness[] = [];
const agents: Agent[] = [];
const rawSockets: Socket[] = [];

afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  for (const socket of rawSockets.splice(0)) socket.destroy();
  for (const h of harnesses.splice(0)) {
    h.release();
    h.server.closeAllConnections();
    if (h.server.listening) await new Promise((resolve) => h.server.close(resolve));
  }
});

async function startServer(options: {
  drainDelayMs: number;
  shutdownTimeoutMs: number;
  cleanup?: () => Promise<void>;
}): Promise<Harness> {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const lines: LogLine[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  const lifecycle = createLifecycle();
  const server = createServer(async (req, res: ServerResponse) => {
    h.arrived += 1;
    switch (req.url) {
      case '/slow':
        await gate;
        res.end('slow');
        return;
      case '/stream':
        // Headers (with keep-alive) leave before the shutdown; the body ends after it.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first ');
        await gate;
        res.end('last');
        return;
      case '/hang':
        return; // never answers
      default:
        res.end('ok');
    }
  });
  // As in production: keep-alive outlives the load balancer's idle timeout,
  // so Node's own timeout never closes a connection for the shutdown within a test.
  server.keepAliveTimeout = 65_000;
  const h: Harness = {
    server,
    port: 0,
    lifecycle,
    lines,
    cleanups: 0,
    accepted: 0,
    arrived: 0,
    release: () => release(),
    events: () => lines.flatMap((line) => (line.event ? [line.event] : [])),
    shutdown: createShutdown({
      server,
      lifecycle,
      logger,
      drainDelayMs: options.drainDelayMs,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
      cleanup: async () => {
        h.cleanups += 1;
        await options.cleanup?.();
      },
    }),
  };
  harnesses.push(h);
  server.on('connection', () => {
    h.accepted += 1;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  h.port = typeof address === 'object' && address ? address.port : 0;
  lifecycle.advance('ready');
  return h;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  socket: Socket;
}

/** A GET whose promise rejects on any socket error (ECONNRESET included). */
function get(port: number, path: string, agent: Agent | false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      const socket = res.socket; // detached from the response once it ends
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, socket }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with the response headers as soon as they arrive; `done` with the whole body. */
function getStreaming(port: number, path: string, agent: Agent) {
  return new Promise<{ headers: IncomingHttpHeaders; socket: Socket; done: Promise<string> }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
        const done = new Promise<string>((resolveBody, rejectBody) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolveBody(body));
          res.on('error', rejectBody);
        });
        resolve({ headers: res.headers, socket: res.socket, done });
      });
      req.on('error', reject);
      req.end();
    },
  );
}

/** Records how a client socket ends: gracefully (no error) or not. */
function watch(socket: Socket) {
  const errors: Error[] = [];
  socket.on('error', (error) => errors.push(error));
  const closed = new Promise<boolean>((resolve) => {
    if (socket.destroyed) resolve(false);
    else socket.once('close', (hadError: boolean) => resolve(hadError));
  });
  return { errors, closed };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function keepAliveAgent(): Agent {
  const agent = new Agent({ keepAlive: true });
  agents.push(agent);
  return agent;
}

describe('createShutdown', () => {
  it('fails readiness at once but keeps serving new connections through the drain delay', async () => {
    const h = await startServer({ drainDelayMs: 2_000, shutdownTimeoutMs: 20_000 });
    const done = h.shutdown.shutdown('test');
    expect(h.lifecycle.state).toBe('draining');

    const fresh = await get(h.port, '/fast', false);
    const kept = await get(h.port, '/fast', keepAliveAgent());
    expect(fresh.status).toBe(200);
    expect(kept.status).toBe(200);
    // Served normally: a keep-alive client is still offered keep-alive.
    expect(kept.headers.connection).toBe('keep-alive');
    expect(h.server.listening).toBe(true);
    expect(h.events()).not.toContain('shutdown.closing');
    expect(h.lifecycle.state).toBe('draining');

    await done;
    expect(h.events()).toEqual([
      'shutdown.draining',
      'shutdown.closing',
      'shutdown.connections-closed',
      'shutdown.cleaned-up',
      'shutdown.stopped',
    ]);
    expect(h.lifecycle.state).toBe('stopped');
    expect(h.cleanups).toBe(1);
  });

  it('lets in-flight requests finish with Connection: close and closes idle keep-alive sockets', async () => {
    const shutdownTimeoutMs = 20_000;
    const h = await startServer({ drainDelayMs: 100, shutdownTimeoutMs });

    // An idle keep-alive connection: used once, now parked in the agent's pool.
    const idleAgent = keepAliveAgent();
    const first = await get(h.port, '/fast', idleAgent);
    expect(first.headers.connection).toBe('keep-alive');
    const idle = watch(first.socket);

    // Busy connections: three slow requests and a response whose headers already left.
    const busyAgent = keepAliveAgent();
    const slow = [1, 2, 3].map(() => get(h.port, '/slow', busyAgent));
    const stream = await getStreaming(h.port, '/stream', busyAgent);
    expect(stream.headers.connection).toBe('keep-alive');
    const streamSocket = watch(stream.socket);
    await until(() => h.arrived === 5, 'the requests to reach the handler');

    const started = performance.now();
    const done = h.shutdown.shutdown('test');
    await until(() => h.events().includes('shutdown.closing'), 'the server to stop accepting');

    // The idle socket is closed by the server, gracefully.
    expect(await idle.closed).toBe(false);
    expect(idle.errors).toEqual([]);

    h.release();
    const answers = await Promise.all(slow);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('slow');
      expect(answer.headers.connection).toBe('close');
    }
    // nodejs/node#60617: this connection was busy at close(); it must not stay in keep-alive.
    expect(await stream.done).toBe('first last');
    expect(await streamSocket.closed).toBe(false);
    expect(streamSocket.errors).toEqual([]);

    await done;
    expect(performance.now() - started).toBeLessThan(shutdownTimeoutMs);
    expect(h.events()).not.toContain('shutdown.forced');
    expect(h.events().slice(-3)).toEqual([
      'shutdown.connections-closed',
      'shutdown.cleaned-up',
      'shutdown.stopped',
    ]);
    expect(h.cleanups).toBe(1);
  });

  it('answers a request that completes on a kept-alive socket after close() with Connection: close', async () => {
    const h = await startServer({ drainDelayMs: 50, shutdownTimeoutMs: 20_000 });
    const client = connect(h.port, '127.0.0.1');
    rawSockets.push(client);
    await once(client, 'connect');
    let received = '';
    client.setEncoding('utf8').on('data', (chunk: string) => {
      received += chunk;
    });
    const ended = once(client, 'end');
    // The request begins before the shutdown and ends after close(): Node counts it as busy, and
    // its response is decided after close, so only this module's 'request' listener can mark it.
    client.write('GET /fast HTTP/1.1\r\nHost: x\r\n');
    await until(() => h.accepted === 1, 'the server to accept');
    const done = h.shutdown.shutdown('test');
    await until(() => h.events().includes('shutdown.closing'), 'the server to stop accepting');
    client.write('\r\n');
    await ended;
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received.toLowerCase()).toContain('\r\nconnection: close\r\n');
    await done;
    expect(h.events()).not.toContain('shutdown.forced');
  });

  it('force-closes a request that never finishes at the deadline, then cleans up', async () => {
    const shutdownTimeoutMs = 1_500;
    const h = await startServer({ drainDelayMs: 50, shutdownTimeoutMs });
    const hanging = get(h.port, '/hang', false).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    await until(() => h.arrived === 1, 'the request to reach the handler');

    const started = performance.now();
    await h.shutdown.shutdown('test');
    const elapsed = performance.now() - started;

    // The client's connection was cut, as it must be when a request outlives the deadline.
    expect(await hanging).toBe('ECONNRESET');
    expect(elapsed).toBeGreaterThanOrEqual(shutdownTimeoutMs - 100);
    expect(h.events()).toEqual([
      'shutdown.draining',
      'shutdown.closing',
      'shutdown.forced',
      'shutdown.connections-closed',
      'shutdown.cleaned-up',
      'shutdown.stopped',
    ]);
    expect(h.cleanups).toBe(1);
    expect(h.lifecycle.state).toBe('stopped');
  });

  it('does not wait for a socket that connected and sent nothing (nodejs/node#63452)', async () => {
    const shutdownTimeoutMs = 20_000;
    const h = await startServer({ drainDelayMs: 50, shutdownTimeoutMs });
    const silent = connect(h.port, '127.0.0.1');
    rawSockets.push(silent);
    await once(silent, 'connect');
    const ended = once(silent, 'end');
    await until(() => h.accepted === 1, 'the server to accept');

    const started = performance.now();
    await h.shutdown.shutdown('test');
    expect(performance.now() - started).toBeLessThan(shutdownTimeoutMs);
    expect(h.events()).not.toContain('shutdown.forced');
    await ended; // the server closed it (FIN), no reset
  });

  it('does not let a half-sent request delay the shutdown past the deadline', async () => {
    const shutdownTimeoutMs = 1_000;
    const h = await startServer({ drainDelayMs: 50, shutdownTimeoutMs });
    const slowloris = connect(h.port, '127.0.0.1');
    rawSockets.push(slowloris);
    slowloris.on('error', () => {});
    await once(slowloris, 'connect');
    slowloris.write('GET / HTTP/1.1\r\nHost: x\r\n'); // the headers never end
    const closed = once(slowloris, 'close');

    const started = performance.now();
    await h.shutdown.shutdown('test');
    const elapsed = performance.now() - started;
    await closed;
    expect(h.events()).toContain('shutdown.forced');
    expect(h.events()).not.toContain('shutdown.stuck');
    // Node's own headersTimeout is 60 s; the deadline (plus a grace of 1 s at most) decides.
    expect(elapsed).toBeLessThan(shutdownTimeoutMs + 10_000);
    expect(h.cleanups).toBe(1);
  });

  it('runs once however often it is called, and rejects when cleanup fails', async () => {
    const h = await startServer({
      drainDelayMs: 10,
      shutdownTimeoutMs: 5_000,
      cleanup: () => Promise.reject(new Error('pool would not end')),
    });
    const a = h.shutdown.shutdown('first');
    const b = h.shutdown.shutdown('second');
    expect(b).toBe(a);
    await expect(a).rejects.toThrow('pool would not end');
    expect(h.cleanups).toBe(1);
    expect(h.lifecycle.state).toBe('stopped');
    expect(h.events()).toContain('shutdown.cleanup-failed');
    expect(h.lines.find((line) => line.event === 'shutdown.stopped')?.clean).toBe(false);
  });
});

describe('handleSignals', () => {
  it('shuts down on the first signal, exits at once on the second, and uninstalls', async () => {
    const calls: string[] = [];
    let finish = () => {};
    const target: Shutdown = {
      shutdown(reason) {
        calls.push(reason);
        return new Promise<void>((resolve) => {
          finish = resolve;
        });
      },
    };
    const codes: number[] = [];
    const before = process.listenerCount('SIGUSR2');
    const uninstall = handleSignals(target, {
      signals: ['SIGUSR2'],
      exit: (code) => codes.push(code),
    });
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);

    process.emit('SIGUSR2', 'SIGUSR2');
    expect(calls).toEqual(['SIGUSR2']);
    expect(codes).toEqual([]);
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(codes).toEqual([128 + 12]);
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(codes).toEqual([128 + 12]); // exits once only

    uninstall();
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });

  describe('in a real process', () => {
    // The module as main.ts uses it, in a child process that receives real signals.
    const script = `
      import { createServer } from 'node:http';
      import { createLogger } from ${JSON.stringify(new URL('../telemetry/logger.ts', import.meta.url).href)};
      import { createShutdown, handleSignals } from ${JSON.stringify(new URL('./shutdown.ts', import.meta.url).href)};
      import { createLifecycle } from ${JSON.stringify(new URL('./state.ts', import.meta.url).href)};

      const [drainDelayMs, cleanupFails] = [Number(process.argv[2]), process.argv[3] === 'fail'];
      const logger = createLogger({ level: 'info', destination: process.stdout });
      const lifecycle = createLifecycle();
      const server = createServer((req, res) => res.end('ok'));
      const shutdown = createShutdown({
        server, lifecycle, logger, drainDelayMs, shutdownTimeoutMs: 60000,
        cleanup: async () => { if (cleanupFails) throw new Error('cleanup failed'); },
      });
      handleSignals(shutdown, { logger });
      server.listen(0, '127.0.0.1', () => {
        lifecycle.advance('ready');
        logger.info({ event: 'listening' }, 'listening');
      });
    `;
    let dir = '';

    afterEach(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
      dir = '';
    });

    async function runChild(args: string[], signals: NodeJS.Signals[]) {
      dir = await mkdtemp(join(tmpdir(), 'myapp-shutdown-'));
      const file = join(dir, 'child.mjs');
      await writeFile(file, script);
      const child = spawn(process.execPath, [file, ...args], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      const events = () =>
        stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => (JSON.parse(line) as LogLine).event);
      await until(() => events().includes('listening') || child.exitCode !== null, 'the child');
      const [first, ...rest] = signals;
      const signalled = performance.now();
      if (first) child.kill(first);
      if (rest.length > 0) {
        await until(() => events().includes('shutdown.draining'), 'the drain to start');
        for (const signal of rest) child.kill(signal);
      }
      const [code, signal] = await exited;
      return { code, signal, stderr, events: events(), ms: performance.now() - signalled };
    }

    it('exits 0 after a complete shutdown on SIGTERM', async () => {
      const result = await runChild(['100'], ['SIGTERM']);
      expect(result.stderr.replace(/.*ExperimentalWarning.*\n?/g, '')).toBe('');
      expect(result.code).toBe(0);
      expect(result.events).toEqual([
        'listening',
        'shutdown.signal',
        'shutdown.draining',
        'shutdown.closing',
        'shutdown.connections-closed',
        'shutdown.cleaned-up',
        'shutdown.stopped',
      ]);
    });

    it('exits 1 when cleanup fails', async () => {
      const result = await runChild(['10', 'fail'], ['SIGINT']);
      expect(result.code).toBe(1);
      expect(result.events).toContain('shutdown.cleanup-failed');
    });

    it('exits at once with 143 on a second SIGTERM', async () => {
      const result = await runChild(['60000'], ['SIGTERM', 'SIGTERM']);
      expect(result.code).toBe(143);
      expect(result.events).toContain('shutdown.second-signal');
      expect(result.events).not.toContain('shutdown.closing');
      expect(result.ms).toBeLessThan(30_000); // the drain delay alone is 60 s
    });

    it('exits at once with 130 on a second SIGINT', async () => {
      const result = await runChild(['60000'], ['SIGINT', 'SIGINT']);
      expect(result.code).toBe(130);
      expect(result.events).not.toContain('shutdown.closing');
    });
  });
});
