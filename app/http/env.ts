// What middleware puts on the request context for the code after it.
import type { Negotiated } from '../api/negotiation.ts';
import type { LineLogger } from '../telemetry/line-logger.ts';

export interface AppEnv {
  Variables: {
    /** Set on /api requests once their version is known. */
    apiVersion: Extract<Negotiated, { ok: true }>;
    requestId: string;
    /** The request's logger: every line carries request_id, trace_id and span_id. */
    logger: LineLogger;
    /** Aborts when the request times out; work started for the request should stop then. */
    signal: AbortSignal;
  };
}
