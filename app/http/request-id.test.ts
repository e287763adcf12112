import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestId } from './request-id.ts';

function app() {
  const app = new Hono();
  app.use(requestId());
  app.get('/', (c) => c.text(c.var.requestId));
  return app;
}

describe('requestId', () => {
  it("keeps a caller's sane X-Request-ID, so ids chain across services", async () => {
    const response = await app().request('/', { headers: { 'x-request-id': 'edge-1:a.b_c' } });
    expect(await response.text()).toBe('edge-1:a.b_c');
    expect(response.headers.get('x-request-id')).toBe('edge-1:a.b_c');
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'a b'],
    ['with a quote', 'a"b'],
    ['with a log-forging line break', 'a\\nlevel=error'],
    ['empty', ''],
  ])('replaces one %s with a fresh UUID', async (_what, incoming) => {
    const response = await app().request('/', { headers: { 'x-request-id': incoming } });
    const id = await response.text();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(response.headers.get('x-request-id')).toBe(id);
  });

  it('makes a new id for every request that brings none', async () => {
    const server = app();
    const ids = await Promise.all([1, 2, 3].map(async () => (await server.request('/')).text()));
    expect(new Set(ids).size).toBe(3);
  });

  it('echoes the id on answers that another middleware or the router produced', async () => {
    const server = new Hono();
    server.use(requestId());
    server.notFound((c) => c.text('nothing here', 404));
    const response = await server.request('/missing', { headers: { 'x-request-id': 'r-1' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('r-1');
  });
});
