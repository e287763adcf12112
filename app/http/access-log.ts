// One JSON line per request: what was asked (method and route template, never the raw path
// with ids in it, never bodies or query strings), how it ended and how long it took. The
// request's logger (request-telemetry.ts) adds request_id, trace_id and span_id.
import type { MiddlewareHandler } from 'hono';
import { routeTemplate, UNMATCHED_ROUTE } from './route.ts';

export function accessLog(): MiddlewareHandler {
  return async function accessLog(c, next) {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const route = routeTemplate(c);
    const line = {
      method: c.req.method,
      route: route === UNMATCHED_ROUTE ? null : route,
      status,
      duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
    };
    if (status >= 500) c.var.logger.error(line, 'request');
    else c.var.logger.info(line, 'request');
  };
}
