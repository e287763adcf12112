// SIGTERM and SIGINT wired to a graceful stop, for every entry that has one (the server's drain in
// main.ts, the migration CLI's cancel and roll back). In a container the process is PID 1, and
// PID 1 ignores every signal it installs no handler for: without these, `kubectl delete` or a
// node drain waits out the whole termination grace period and then SIGKILLs, mid-work.
// `Logger` is pino's type (what app/telemetry/logger.ts returns): lifecycle/ is a leaf of the
// layering and imports no other app module.
import { constants } from 'node:os';
import type { Logger } from 'pino';

export interface SignalOptions {
  /** `process.exit` unless a test injects its own. */
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
  logger?: Logger;
}

/** 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), as a shell reports it. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * First signal: `stop(signal, exit)`, which either ends the process through `exit` or lets it end
 * on its own. A second signal exits at once with `signalExitCode`: an operator pressing Ctrl-C
 * twice means it. `exit` runs once, whichever path calls it first. Returns a function that
 * removes the handlers.
 */
export function onStopSignals(
  stop: (signal: NodeJS.Signals, exit: (code: number) => void) => void,
  options: SignalOptions = {},
): () => void {
  const { logger, signals = ['SIGTERM', 'SIGINT'] } = options;
  const exitProcess = options.exit ?? ((code: number) => process.exit(code));
  let first: NodeJS.Signals | undefined;
  let exited = false;
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    exitProcess(code);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (first) {
      logger?.warn(
        { event: 'shutdown.second-signal', signal, first },
        'second signal: exiting now',
      );
      exit(signalExitCode(signal));
      return;
    }
    first = signal;
    logger?.info({ event: 'shutdown.signal', signal }, `${signal} received: shutting down`);
    stop(signal, exit);
  };

  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
