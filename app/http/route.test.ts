import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { knownMethod, routeTemplate, UNMATCHED_ROUTE } from './route.ts';

/** The template routeTemplate reports for a request, read after the app has answered. */
async function templateOf(app: Hono, path: string, init?: RequestInit): Promise<string> {
  let seen = '';
  const outer = new Hono();
  outer.use(async (c, next) => {
    await next();
    seen = routeTemplate(c);
  });
  outer.route('/', app);
  await outer.request(path, init);
  return seen;
}

describe('routeTemplate', () => {
  it('names the template of a mounted router, with the prefix, not the path with ids', async () => {
    const users = new Hono();
    users.get('/:id', (c) => c.text('user'));
    const app = new Hono();
    app.route('/api/v1/users', users);
    expect(await templateOf(app, '/api/v1/users/ada-lovelace')).toBe('/api/v1/users/:id');
  });

  it('skips middleware, so a request a middleware answered names the route it aimed at', async () => {
    const app = new Hono();
    app.use('/users/*', async (c) => c.text('too many', 429));
    app.get('/users/:id', (c) => c.text('user'));
    expect(await templateOf(app, '/users/7')).toBe('/users/:id');
  });

  it('says unmatched for unknown paths and for a method no route has', async () => {
    const app = new Hono();
    app.get('/users/:id', (c) => c.text('user'));
    expect(await templateOf(app, '/elsewhere')).toBe(UNMATCHED_ROUTE);
    expect(await templateOf(app, '/users/7', { method: 'DELETE' })).toBe(UNMATCHED_ROUTE);
  });
});

describe('knownMethod', () => {
  it('keeps the HTTP methods and folds made-up ones into _OTHER', () => {
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
      expect(knownMethod(method)).toBe(method);
    expect(knownMethod('BREW')).toBe('_OTHER');
    expect(knownMethod('get')).toBe('_OTHER');
  });
});
