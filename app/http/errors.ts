// The last stop for anything thrown while handling a request: known failures become their
// problem type; anything else is logged with its stack and answered as a bare 500. Which
// failures are known is the app's to say (createApp passes the domain errors and the database
// failures, app/api/error-problems.ts): this layer knows no domain. Errors are logged under
// `err`, whose serializer keeps a database error's facts and drops its values
// (app/telemetry/error-serializer.ts).
import type { Context, ErrorHandler, MiddlewareHandler } from 'hono';
import type { LineLogger } from '../telemetry/line-logger.ts';
import { HttpProblem, problemResponse } from './problem.ts';

// biome-ignore lint/suspicious/noExplicitAny: any constructor: the factory receives its instance.
type ErrorClass<E extends Error> = new (...args: any[]) => E;

/** A class of error and the problem it becomes. */
export type KnownError = readonly [ErrorClass<Error>, (error: Error) => HttpProblem];

/** Recognises failures by what they carry (a SQLSTATE), logs them as they deserve, or says no. */
export type ErrorClassifier = (error: unknown, log: LineLogger) => HttpProblem | undefined;

/** Pairs a class with its factory, typing the factory's argument as that class. */
export function knownError<E extends Error>(
  errorClass: ErrorClass<E>,
  toProblem: (error: E) => HttpProblem,
): KnownError {
  return [errorClass, toProblem as (error: Error) => HttpProblem];
}

export interface ErrorHandlerOptions {
  logger: LineLogger;
  /** Checked in order, by instanceof, before anything is logged. */
  knownErrors: readonly KnownError[];
  /** Asked in order, with the request's logger, after the known errors. */
  classifiers: readonly ErrorClassifier[];
}

export function errorHandler(options: ErrorHandlerOptions): ErrorHandler {
  const { logger } = options;
  // The request's logger carries request_id, trace_id and span_id; the app's is the fallback
  // for an error thrown before the request telemetry ran.
  const requestLog = (c: Context) =>
    c.get('logger') ?? logger.child({ request_id: c.get('requestId') });
  return function handleError(error, c) {
    const signal = c.get('signal');
    if (signal?.aborted) {
      // The timeout already answered; this is the cancelled work unwinding. Hono lets this
      // answer replace the timeout's when the work threw in the same tick, so it is the same one.
      requestLog(c).warn({ err: error }, 'work cancelled after request timeout');
      const answer = signal.reason instanceof HttpProblem ? signal.reason : undefined;
      return problemResponse(c, answer?.type ?? 'request-timeout', answer?.options);
    }
    if (error instanceof HttpProblem) return problemResponse(c, error.type, error.options);
    for (const [errorClass, toProblem] of options.knownErrors) {
      if (error instanceof errorClass) {
        const problem = toProblem(error);
        return problemResponse(c, problem.type, problem.options);
      }
    }
    const log = requestLog(c);
    for (const classify of options.classifiers) {
      const problem = classify(error, log);
      if (problem) return problemResponse(c, problem.type, problem.options);
    }
    log.error({ err: error }, 'unhandled error');
    return problemResponse(c, 'internal-error');
  };
}

/** A value thrown that is not an Error; what it was stays out of the log (it may hold anything). */
class NonErrorThrown extends Error {
  constructor(value: unknown) {
    super(`a value that is not an Error was thrown (${value === null ? 'null' : typeof value})`);
    this.name = 'NonErrorThrown';
  }
}

/**
 * First in the chain: Hono hands only Error instances to the error handler and lets anything
 * else escape as the server's bare text 500, unlogged. This turns such a value into an Error,
 * so it becomes the internal-error problem and an error line like any other failure.
 */
export function thrownValuesAsErrors(): MiddlewareHandler {
  return async function thrownValuesAsErrors(_c, next) {
    try {
      await next();
    } catch (thrown) {
      throw thrown instanceof Error ? thrown : new NonErrorThrown(thrown);
    }
  };
}
