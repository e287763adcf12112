// One JSON line per request: what was asked (method and route template, never the raw path
// with ids in it, never bodies or query strings), how it ended and how long it took.
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../telemetry/logger.ts';
import type { AppEnv } from './env.ts';

export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      request_id: c.get('requestId'),
      method: c.req.method,
      route: status === 404 && !c.req.routePath ? null : routePath(c),
      status,
      duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
    };
    if (status >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
  };
}
