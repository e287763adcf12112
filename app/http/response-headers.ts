// Response headers that middleware adds to every response, written where they cost least. On
// @hono/node-server a handler's `c.json()` is a lightweight response whose headers are a plain
// object, handed to Node's `writeHead` as they are; the first `c.res.headers` read turns them
// into a Fetch `Headers`, and every `set` on it validates name and value again, and the adaptor
// then copies them back out, sorted. So on Node these go straight onto Node's response
// (`setHeader`, `appendHeader`), which `writeHead` merges with the handler's own headers.
// That merge lets the handler's headers win: only headers no handler sets go this way, and a
// header that several places add to (`Link`) is appended this way by all of them. Elsewhere
// (the edge runtimes, `app.request()` in tests) they go onto the response's `Headers` as before.
import type { Context } from 'hono';

/** The part of Node's ServerResponse used here (no Node import: the edge bundle has this file). */
interface NodeOutgoing {
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  appendHeader(name: string, value: string): unknown;
}

function nodeOutgoing(c: Context): NodeOutgoing | undefined {
  const outgoing = (c.env as { outgoing?: NodeOutgoing } | undefined)?.outgoing;
  return outgoing && !outgoing.headersSent ? outgoing : undefined;
}

/** Sets `name` on the response, replacing any value set this way before. */
export function setResponseHeader(c: Context, name: string, value: string): void {
  const outgoing = nodeOutgoing(c);
  if (outgoing) outgoing.setHeader(name, value);
  else c.res.headers.set(name, value);
}

/** Sets each of `headers` on the response, as setResponseHeader does one. */
export function setResponseHeaders(
  c: Context,
  headers: ReadonlyArray<readonly [name: string, value: string]>,
): void {
  const outgoing = nodeOutgoing(c);
  if (outgoing) for (const [name, value] of headers) outgoing.setHeader(name, value);
  else for (const [name, value] of headers) c.res.headers.set(name, value);
}

/**
 * Adds a value to `name` (a list header such as `Link`). Before the handler has answered, it is
 * kept for the answer (`c.header`'s append); after, it is added to the answer.
 */
export function appendResponseHeader(c: Context, name: string, value: string): void {
  const outgoing = nodeOutgoing(c);
  if (outgoing) outgoing.appendHeader(name, value);
  else if (c.finalized) c.res.headers.append(name, value);
  else c.header(name, value, { append: true });
}
