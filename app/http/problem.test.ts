import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  HttpProblem,
  type ProblemOptions,
  type ProblemType,
  problemResponse,
  problemTypes,
} from './problem.ts';

/** An app whose one route answers the given problem, on a request with a known id. */
function answering(type: ProblemType, options?: ProblemOptions) {
  const app = new Hono();
  app.use(async (c, next) => {
    c.set('requestId', 'req-7');
    await next();
  });
  app.all('*', (c) => problemResponse(c, type, options));
  return app;
}

describe('problemResponse', () => {
  it('answers RFC 9457 problem details with the type, title and status of the catalog', async () => {
    const response = await answering('email-taken', { detail: 'Taken.' }).request(
      '/api/v2/users?x=1',
      { method: 'POST' },
    );
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toEqual({
      type: '/problems/email-taken',
      title: 'Email already in use',
      status: 409,
      detail: 'Taken.',
      instance: '/api/v2/users',
      requestId: 'req-7',
    });
  });

  it('leaves detail and errors out when there are none, rather than sending nulls', async () => {
    const body = await (await answering('internal-error').request('/x')).json();
    expect(Object.keys(body).sort()).toEqual(['instance', 'requestId', 'status', 'title', 'type']);
  });

  it('carries field errors, extensions and extra headers', async () => {
    const response = await answering('validation-error', {
      detail: '1 problem with the request.',
      errors: [{ pointer: '#/email', detail: 'must be an email address' }],
      extensions: { omittedErrors: 3 },
      headers: { 'Retry-After': '1' },
    }).request('/');
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({
      status: 400,
      errors: [{ pointer: '#/email', detail: 'must be an email address' }],
      omittedErrors: 3,
    });
  });

  it('names the path the client asked for as instance, not the path it was routed to', async () => {
    // As createApp does for unversioned API paths: the router sees the negotiated version's path.
    const app = new Hono({ getPath: () => '/api/v2/users' });
    app.get('/api/v2/users', (c) => problemResponse(c, 'not-found'));
    const body = await (await app.request('http://host/api/users?email=ada@example.com')).json();
    expect(body.instance).toBe('/api/users');
  });
});

describe('the problem catalog', () => {
  it('gives every type an error status, a title and a description', () => {
    for (const [slug, { status, title, description }] of Object.entries(problemTypes)) {
      expect(status, slug).toBeGreaterThanOrEqual(400);
      expect(status, slug).toBeLessThan(600);
      expect(title, slug).not.toBe('');
      expect(description.length, slug).toBeGreaterThan(title.length);
    }
  });

  it('keeps bad input out of the 5xx range: only timeouts and dependencies are ours', () => {
    const serverSide = Object.entries(problemTypes)
      .filter(([, { status }]) => status >= 500)
      .map(([slug]) => slug)
      .sort();
    expect(serverSide).toEqual(['internal-error', 'request-timeout', 'service-unavailable']);
  });
});

describe('HttpProblem', () => {
  it('uses the detail as its message, or else the title', () => {
    expect(new HttpProblem('not-found', { detail: 'No user 4.' }).message).toBe('No user 4.');
    const bare = new HttpProblem('payload-too-large');
    expect(bare.message).toBe('Request body too large');
    expect(bare.name).toBe('HttpProblem');
    expect(bare.options).toEqual({});
  });
});
