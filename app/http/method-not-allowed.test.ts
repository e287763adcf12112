import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { methodNotAllowed } from './method-not-allowed.ts';
import { notFound } from './not-found.ts';
import { problemResponse } from './problem.ts';

/** Wired as createApp wires it: the middleware first, routers mounted under a prefix after. */
function app() {
  const users = new Hono();
  users.get('/', (c) => c.json([]));
  users.post('/', (c) => c.json({}, 201));
  users.get('/:id', (c) => problemResponse(c, 'not-found', { detail: 'No such user.' }));
  users.delete('/:id', (c) => c.body(null, 204));

  const server = new Hono();
  server.use(methodNotAllowed(server));
  server.get('/health', (c) => c.text('ok'));
  server.route('/api/v1/users', users);
  server.notFound(notFound);
  return server;
}

describe('methodNotAllowed', () => {
  it('answers a known path asked with another method with 405 and Allow', async () => {
    const response = await app().request('/api/v1/users', { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    expect(await response.json()).toMatchObject({
      type: '/problems/method-not-allowed',
      detail: 'PUT is not supported here; use one of: GET, HEAD, POST, OPTIONS.',
      instance: '/api/v1/users',
    });
  });

  it('lists the methods of the parameterised route a path matches', async () => {
    const response = await app().request('/api/v1/users/42', { method: 'PATCH' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, DELETE, OPTIONS');
  });

  it('answers OPTIONS on a known path with 204, Allow and nothing of the 404 it replaces', async () => {
    const response = await app().request('/health', { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(response.headers.get('content-type')).toBeNull();
    expect(await response.text()).toBe('');
  });

  it("keeps a route's own 404 for a method it supports", async () => {
    const response = await app().request('/api/v1/users/42');
    expect(response.status).toBe(404);
    expect((await response.json()).detail).toBe('No such user.');
    expect(response.headers.get('allow')).toBeNull();
  });

  it('leaves unknown paths to the not-found problem, whatever the method', async () => {
    for (const method of ['GET', 'PUT', 'OPTIONS']) {
      const response = await app().request('/nowhere', { method });
      expect(response.status, method).toBe(404);
      expect(response.headers.get('allow'), method).toBeNull();
    }
  });
});
