import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { notFound } from './not-found.ts';

describe('notFound', () => {
  it('answers a not-found problem that names the path, not its query', async () => {
    const app = new Hono();
    app.get('/health', (c) => c.text('ok'));
    app.notFound(notFound);
    const response = await app.request('/no/such/thing?token=secret');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({
      type: '/problems/not-found',
      status: 404,
      detail: 'Nothing is served at /no/such/thing.',
      instance: '/no/such/thing',
    });
    expect(text).not.toContain('secret');
  });
});
