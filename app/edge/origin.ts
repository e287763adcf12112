// Forwards a request the edge tier does not answer itself to the container origin, as a proxy
// should: the same method, path, query and body (streamed); hop-by-hop headers dropped; the
// request id, W3C trace context and X-Forwarded-For/-Proto/-Host added. The origin's answer
// comes back with the headers the edge's own middleware sets removed (version, deprecation and
// rate-limit fields, the request id), so each appears once, set by the edge from the same
// registry. An origin that cannot be reached is a 503 problem, never a hang: the request's
// timeout signal aborts the fetch.
import type { Context } from 'hono';
import { problemResponse } from '../http/problem.ts';
import { traceContext } from './trace-context.ts';

/** RFC 9110 §7.6.1: meaningful for one connection only, never forwarded. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

/** Set on every answer by the edge's own middleware; the origin's copies would double them. */
const SET_BY_EDGE = [
  'api-version',
  'deprecation',
  'sunset',
  'ratelimit',
  'ratelimit-policy',
  'x-request-id',
];
/** Link relations and Vary tokens the edge's versioning middleware appends itself. */
const EDGE_LINK_RELATIONS = /;\s*rel="(?:deprecation|sunset|successor-version)"/;
const EDGE_VARY = 'api-version';

export interface OriginOptions {
  /** Scheme, host and port of the origin (`EDGE_ORIGIN_URL`). */
  url: string;
  /** The runtime's `fetch`, for tests to watch; the global one by default. */
  fetch?: typeof fetch;
}

/** The TCP peer's address the edge entry passed in (see app/edge.ts), if the runtime has one. */
export function peerAddress(c: Context): string | undefined {
  return (c.env as { remoteAddress?: string } | undefined)?.remoteAddress;
}

function requestHeaders(c: Context, incoming: URL): Headers {
  const headers = new Headers(c.req.raw.headers);
  for (const name of [...HOP_BY_HOP, 'host']) headers.delete(name);
  // Bodies pass through untouched: a body the runtime's fetch decoded on the way would no
  // longer match the Content-Encoding the client is told.
  headers.set('accept-encoding', 'identity');
  headers.set('x-request-id', c.var.requestId);
  const trace = traceContext(
    headers.get('traceparent') ?? undefined,
    headers.get('tracestate') ?? undefined,
  );
  headers.set('traceparent', trace.traceparent);
  // The access line, written once this request ends, carries the trace id the origin sees.
  c.set('logger', c.var.logger.child({ trace_id: trace.traceId }));
  if (trace.tracestate) headers.set('tracestate', trace.tracestate);
  else headers.delete('tracestate');
  const peer = peerAddress(c);
  const forwardedFor = headers.get('x-forwarded-for');
  if (peer) headers.set('x-forwarded-for', forwardedFor ? `${forwardedFor}, ${peer}` : peer);
  headers.set('x-forwarded-proto', incoming.protocol.slice(0, -1));
  headers.set('x-forwarded-host', incoming.host);
  return headers;
}

/** The origin's answer headers as the client gets them (see SET_BY_EDGE). */
export function responseHeaders(origin: Headers): Headers {
  const headers = new Headers();
  for (const [name, value] of origin) {
    if (HOP_BY_HOP.includes(name) || SET_BY_EDGE.includes(name) || name === 'content-length')
      continue;
    if (name === 'set-cookie') continue; // appended below, one by one
    if (name === 'link') {
      const kept = value.split(/,\s*(?=<)/).filter((link) => !EDGE_LINK_RELATIONS.test(link));
      if (kept.length > 0) headers.set(name, kept.join(', '));
      continue;
    }
    if (name === 'vary') {
      const kept = value
        .split(',')
        .map((token) => token.trim())
        .filter((token) => token && token.toLowerCase() !== EDGE_VARY);
      if (kept.length > 0) headers.set(name, kept.join(', '));
      continue;
    }
    headers.set(name, value);
  }
  for (const cookie of origin.getSetCookie()) headers.append('set-cookie', cookie);
  return headers;
}

export function originForwarder(options: OriginOptions): (c: Context) => Promise<Response> {
  const origin = new URL(options.url);
  const send = options.fetch ?? fetch;
  return async (c) => {
    const incoming = new URL(c.req.url);
    const target = new URL(`${incoming.pathname}${incoming.search}`, origin);
    const method = c.req.method;
    const hasBody = method !== 'GET' && method !== 'HEAD' && c.req.raw.body !== null;
    let answer: Response;
    try {
      answer = await send(target, {
        method,
        headers: requestHeaders(c, incoming),
        body: hasBody ? c.req.raw.body : null,
        // A streamed request body needs it (Fetch standard); runtimes that stream anyway ignore it.
        ...(hasBody ? { duplex: 'half' } : {}),
        redirect: 'manual',
        signal: c.var.signal,
      } as RequestInit);
    } catch (error) {
      // The timeout middleware has answered already when the signal aborted.
      if (c.var.signal?.aborted) throw error;
      c.var.logger.warn({ err: error, origin: origin.origin }, 'origin unreachable');
      return problemResponse(c, 'service-unavailable', {
        detail: 'The origin is not answering. Retry shortly.',
        headers: { 'Retry-After': '1' },
      });
    }
    return new Response(answer.body, {
      status: answer.status,
      statusText: answer.statusText,
      headers: responseHeaders(answer.headers),
    });
  };
}
