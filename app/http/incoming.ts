// What Node's own request already holds, read from it directly. On @hono/node-server, `c.req.raw`
// is a lazy stand-in for a Fetch `Request`: reading its `headers` builds a `Headers` from Node's
// (validating and copying every header), reading its `body` builds the whole `Request`. The hot
// path only needs a few header values and whether a body comes, which Node's request has as
// plain properties. Elsewhere (the edge runtimes) the Fetch request is the only one there is.
import type { Context } from 'hono';

/** The part of Node's IncomingMessage read here (no Node import: the edge bundle has this file). */
interface NodeIncoming {
  headers: Record<string, string | string[] | undefined>;
}

function nodeIncoming(c: Context): NodeIncoming | undefined {
  return (c.env as { incoming?: NodeIncoming } | undefined)?.incoming;
}

/**
 * A request header by its lower-case name, as `c.req.header(name)` gives it: repeated fields
 * joined with ", " (Node already joins most of them that way).
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = nodeIncoming(c);
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Whether the request can carry a body, from its framing (RFC 9112 §6.3): neither
 * Content-Length nor Transfer-Encoding means none. Undefined where the runtime does not say.
 */
export function framing(
  c: Context,
): { contentLength: number | undefined; chunked: boolean } | undefined {
  const incoming = nodeIncoming(c);
  if (!incoming) return undefined;
  const length = incoming.headers['content-length'];
  return {
    contentLength: typeof length === 'string' ? Number.parseInt(length, 10) : undefined,
    chunked: incoming.headers['transfer-encoding'] !== undefined,
  };
}
