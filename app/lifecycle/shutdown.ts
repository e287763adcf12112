// Graceful shutdown of a Node HTTP server, the whole checklist:
// fail readiness at once, keep serving through the drain delay (the load balancer is still
// removing this pod), then stop accepting, let in-flight requests finish with
// `Connection: close`, close every connection that goes idle, force-close what is left at the
// deadline, and only then run the cleanup (database pool, telemetry).
//
// Node alone is not enough:
// - `server.close()` closes idle keep-alive connections once; a connection busy at that moment
//   goes back to keep-alive afterwards and serves on until its keep-alive timeout
//   (nodejs/node#60617). So idle connections are closed again every 250 ms, and again as soon as
//   any response finishes.
// - Node counts a socket that connected but never sent a byte as busy, so it blocks `close()`
//   until the headers timeout (nodejs/node#63452). Such sockets are destroyed here.
// - In-flight responses are marked `shouldKeepAlive = false` by this module itself, so they carry
//   `Connection: close` and Node ends the socket after them, whatever the HTTP middleware does.
//   A handler that sets a `Connection` header explicitly still wins (Node's rule).
//
// Call `createShutdown` before `server.listen()`: it tracks sockets from their 'connection' event.
// `Logger` is pino's type (what app/telemetry/logger.ts returns): lifecycle/ is a leaf of the
// layering and imports no other app module.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { onStopSignals, type SignalOptions } from './signals.ts';
import type { Lifecycle } from './state.ts';

export interface ShutdownOptions {
  server: Server;
  lifecycle: Lifecycle;
  /** Readiness fails for this long before the server stops accepting (endpoint removal). */
  drainDelayMs: number;
  /** Counted from the start of the shutdown: connections still open then are force-closed. */
  shutdownTimeoutMs: number;
  logger: Logger;
  /** Closes the database pool, flushes telemetry…; runs once the connections are gone. */
  cleanup: () => Promise<void>;
}

export interface Shutdown {
  /** Runs the sequence once; later calls return the same promise. Rejects if cleanup failed. */
  shutdown(reason: string): Promise<void>;
}

/** How often idle connections are closed again once the server stopped accepting. */
const SWEEP_INTERVAL_MS = 250;
/** After the forced close, how long to wait for the sockets' 'close' before cleaning up anyway. */
const FORCE_GRACE_MS = 1_000;

interface TrackedSocket {
  /** Requests read from this socket whose response has not closed yet. */
  readonly responses: Set<ServerResponse>;
  /** `socket.bytesRead` when the socket last had nothing in flight. */
  quietAt: number;
}

export function createShutdown(options: ShutdownOptions): Shutdown {
  const { server, lifecycle, logger, cleanup } = options;
  const sockets = new Map<Socket, TrackedSocket>();
  let closing = false;

  server.on('connection', (socket: Socket) => {
    sockets.set(socket, { responses: new Set(), quietAt: socket.bytesRead });
    socket.once('close', () => sockets.delete(socket));
  });

  // Prepended so it runs before the application's own 'request' listener writes anything.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const tracked = sockets.get(req.socket);
    if (closing) res.shouldKeepAlive = false;
    if (!tracked) return;
    tracked.responses.add(res);
    res.once('close', () => {
      tracked.responses.delete(res);
      if (tracked.responses.size === 0) tracked.quietAt = req.socket.bytesRead;
      // A response that started before close() may have promised keep-alive; its socket is idle
      // now, so close it before a client reuses it.
      if (closing) sweep();
    });
  });

  /** No request in flight and not a byte received since: destroying it loses nothing. */
  const isQuiet = (socket: Socket, tracked: TrackedSocket) =>
    tracked.responses.size === 0 && socket.bytesRead === tracked.quietAt;

  function sweep(): void {
    server.closeIdleConnections();
    for (const [socket, tracked] of sockets) {
      if (isQuiet(socket, tracked)) socket.destroy();
    }
  }

  function inFlight(): number {
    let count = 0;
    for (const tracked of sockets.values()) count += tracked.responses.size;
    return count;
  }

  /** Stops accepting; resolves once every connection of the server has closed. */
  function stopAccepting(): Promise<void> {
    closing = true;
    for (const tracked of sockets.values()) {
      for (const res of tracked.responses) res.shouldKeepAlive = false;
    }
    const closed = new Promise<void>((resolve) => {
      // The only error is ERR_SERVER_NOT_RUNNING (never listened, or closed by someone else);
      // the callback still waits for the connections, which is all that matters here.
      server.close(() => resolve());
    });
    sweep();
    return closed;
  }

  function forceClose(): void {
    server.closeAllConnections();
    // Also sockets Node no longer counts as HTTP connections (upgraded ones, for instance).
    for (const socket of sockets.keys()) socket.destroy();
  }

  async function run(reason: string): Promise<void> {
    const started = performance.now();
    const elapsedMs = () => Math.round(performance.now() - started);
    const wasListening = server.listening;

    lifecycle.advance('draining');
    logger.info(
      {
        event: 'shutdown.draining',
        reason,
        drainDelayMs: options.drainDelayMs,
        shutdownTimeoutMs: options.shutdownTimeoutMs,
      },
      'shutdown: draining, readiness fails from now on',
    );

    // The sequence's own timers stay referenced so it always completes, and each is cleared as
    // soon as it is not needed, so none keeps the process alive longer than the sequence.
    const timers = new Set<NodeJS.Timeout>();
    const wait = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      });
    const deadline = wait(Math.max(0, options.shutdownTimeoutMs)).then(() => 'deadline' as const);

    let sweeper: NodeJS.Timeout | undefined;
    try {
      // Nothing can reach a server that is not listening: no point waiting for endpoint removal.
      if (wasListening) await Promise.race([wait(options.drainDelayMs), deadline]);

      const closed = stopAccepting().then(() => 'closed' as const);
      logger.info(
        {
          event: 'shutdown.closing',
          elapsedMs: elapsedMs(),
          openConnections: sockets.size,
          inFlightRequests: inFlight(),
        },
        'shutdown: stopped accepting connections, closing idle ones',
      );
      // Only useful while connections (which keep the process alive themselves) remain.
      sweeper = setInterval(sweep, SWEEP_INTERVAL_MS).unref();

      if ((await Promise.race([closed, deadline])) === 'deadline') {
        logger.warn(
          {
            event: 'shutdown.forced',
            elapsedMs: elapsedMs(),
            openConnections: sockets.size,
            inFlightRequests: inFlight(),
          },
          'shutdown: deadline reached, force-closing the remaining connections',
        );
        forceClose();
        if ((await Promise.race([closed, wait(FORCE_GRACE_MS)])) !== 'closed') {
          logger.warn(
            { event: 'shutdown.stuck', elapsedMs: elapsedMs(), openConnections: sockets.size },
            'shutdown: connections still open after the forced close, cleaning up anyway',
          );
        }
      }
    } finally {
      clearInterval(sweeper);
      for (const timer of timers) clearTimeout(timer);
    }
    logger.info(
      { event: 'shutdown.connections-closed', elapsedMs: elapsedMs() },
      'shutdown: connections closed, cleaning up',
    );

    const cleanupStarted = performance.now();
    let failure: unknown;
    try {
      await cleanup();
      logger.info(
        {
          event: 'shutdown.cleaned-up',
          elapsedMs: elapsedMs(),
          cleanupMs: Math.round(performance.now() - cleanupStarted),
        },
        'shutdown: cleanup done',
      );
    } catch (error) {
      failure = error;
      logger.error(
        { event: 'shutdown.cleanup-failed', elapsedMs: elapsedMs(), err: error },
        'shutdown: cleanup failed',
      );
    }

    lifecycle.advance('stopped');
    logger.info(
      { event: 'shutdown.stopped', elapsedMs: elapsedMs(), clean: failure === undefined },
      'shutdown: stopped',
    );
    if (failure !== undefined) throw failure;
  }

  let running: Promise<void> | undefined;
  return {
    shutdown(reason) {
      if (running) {
        logger.debug({ event: 'shutdown.repeated', reason }, 'shutdown: already under way');
        return running;
      }
      running = run(reason);
      return running;
    },
  };
}

/**
 * First signal: run the shutdown, then exit 0 (1 if it failed). A second signal exits at once
 * with 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), as a shell would report it
 * (signals.ts). Returns a function that removes the handlers.
 */
export function handleSignals(target: Shutdown, options: SignalOptions = {}): () => void {
  return onStopSignals((signal, exit) => {
    target.shutdown(signal).then(
      () => exit(0),
      () => exit(1),
    );
  }, options);
}
