// The route TEMPLATE that served a request (`/api/v1/users/:id`, never the raw path with ids in
// it), for metrics, span names and logs: bounded cardinality. Middleware (registered for every
// method) does not count, so a request that a middleware answered (413, 504, 429…) still
// reports the route it was aimed at.
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/** The fixed label for requests no route matched (unknown paths, unsupported methods). */
export const UNMATCHED_ROUTE = 'unmatched';

export function routeTemplate(c: Context): string {
  const routes = matchedRoutes(c);
  for (let index = routes.length - 1; index >= 0; index--) {
    const route = routes[index];
    if (route && route.method !== 'ALL') return route.path;
  }
  return UNMATCHED_ROUTE;
}

const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'CONNECT',
  'TRACE',
]);

/** The method, or `_OTHER` for made-up ones (the OTel rule): a label must stay bounded. */
export function knownMethod(method: string): string {
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}
