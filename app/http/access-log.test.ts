import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { capturedLogs } from '../telemetry/captured-logs.ts';
import { accessLog } from './access-log.ts';

function loggedApp() {
  const { logger, lines } = capturedLogs();
  const app = new Hono();
  app.use(async (c, next) => {
    c.set('logger', logger);
    await next();
  });
  app.use(accessLog());
  app.get('/users/:id', (c) => c.text('ok'));
  app.get('/boom', (c) => c.text('failed', 503));
  return { app, lines };
}

describe('accessLog', () => {
  it('logs the route template, never the raw path, ids or query string', async () => {
    const { app, lines } = loggedApp();
    await app.request('/users/ada-lovelace?email=ada@example.com');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      route: '/users/:id',
      status: 200,
    });
    expect(lines[0]?.duration_ms).toBeTypeOf('number');
    expect(JSON.stringify(lines[0])).not.toMatch(/ada-lovelace|ada@example\.com/);
  });

  it('logs an unmatched path with route null', async () => {
    const { app, lines } = loggedApp();
    await app.request('/no/such/path/private-segment');
    expect(lines[0]).toMatchObject({ route: null, status: 404 });
    expect(JSON.stringify(lines[0])).not.toContain('private-segment');
  });

  it('logs server errors at level error', async () => {
    const { app, lines } = loggedApp();
    await app.request('/boom');
    expect(lines[0]).toMatchObject({ level: 'error', status: 503 });
  });
});
