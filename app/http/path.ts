/**
 * The path the client asked for. `c.req.path` is the path the router saw, which differs for
 * unversioned API paths (routed to the negotiated version's path).
 */
export function requestedPath(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start === -1) return '/';
  const end = url.indexOf('?', start);
  return end === -1 ? url.slice(start) : url.slice(start, end);
}
