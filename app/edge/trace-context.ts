// W3C trace context for a request the edge forwards. The edge exports no spans of its own (no
// OTel SDK on these runtimes), so it stays transparent: a valid incoming `traceparent` (and its
// `tracestate`) goes to the origin unchanged, and the origin's server span is the caller's
// child. A request without one (or with a malformed one) starts a trace here, so the edge's
// log line and the origin's spans share one trace id.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

export interface TraceContext {
  traceparent: string;
  /** Forwarded only with the caller's own traceparent (it belongs to that trace). */
  tracestate: string | undefined;
  traceId: string;
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}

export function traceContext(
  traceparent: string | undefined,
  tracestate: string | undefined,
): TraceContext {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (match?.[1] && match[1] !== ZERO_TRACE && match[2] !== ZERO_SPAN) {
    return { traceparent: match[0], tracestate, traceId: match[1] };
  }
  const traceId = randomHex(16);
  // Sampled: the edge cannot know the origin's sampler, and a new trace is the origin's to keep.
  return { traceparent: `00-${traceId}-${randomHex(8)}-01`, tracestate: undefined, traceId };
}
