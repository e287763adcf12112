// Long-lived caching for what the edge answers from its bundle and what changes only with a
// release: problem pages and the docs page's Swagger UI files. A CDN or browser in front keeps
// them a day and may serve them stale while it revalidates; the OpenAPI documents and the docs
// page itself stay `no-cache` (as the origin sends them): they name the versions' lifecycle,
// which must be seen at once.
const LONG_LIVED = /^\/(?:problems\/[^/]+|api\/v\d+\/docs\/[^/]+)$/;
const CACHE_CONTROL = 'public, max-age=86400, stale-while-revalidate=604800';

export function withCacheHeaders(request: Request, response: Response): Response {
  if (response.status !== 200 || (request.method !== 'GET' && request.method !== 'HEAD'))
    return response;
  if (LONG_LIVED.test(new URL(request.url).pathname))
    response.headers.set('Cache-Control', CACHE_CONTROL);
  return response;
}
