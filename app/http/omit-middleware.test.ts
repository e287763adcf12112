import { Hono, type MiddlewareHandler } from 'hono';
import { describe, expect, it } from 'vitest';
import { omitMiddleware } from './omit-middleware.ts';

const marking = (name: string): MiddlewareHandler =>
  Object.defineProperty(
    async (c, next) => {
      await next();
      c.res.headers.append('X-Ran', name);
    },
    'name',
    { value: name },
  );

describe('omitMiddleware', () => {
  it('leaves out the named middleware and keeps the rest in order', async () => {
    const app = new Hono();
    const omitted = omitMiddleware(app, ['second']);
    app.use(marking('first'));
    app.use(marking('second'));
    app.use('/x', marking('third'));
    app.get('/x', (c) => c.text('ok'));
    omitted.check();
    const response = await app.request('/x');
    expect(await response.text()).toBe('ok');
    expect(response.headers.get('X-Ran')).toBe('third, first');
  });

  it('refuses a name no middleware has, so a typo cannot measure nothing', () => {
    const app = new Hono();
    const omitted = omitMiddleware(app, ['acessLog']);
    app.use(marking('accessLog'));
    expect(() => omitted.check()).toThrow('no middleware named acessLog');
  });
});
