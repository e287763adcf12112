// The v1 users API over real sockets, on real PostgreSQL and on the embedded PGlite default:
// every endpoint, every error path, and the data left untouched by every rejected request.
// Every response is also checked against the served v1 OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/api-client.ts';
import { type Engine, startTestAppOn, type TestApp } from '../support/app-server.ts';
import { type Conformance, loadConformance } from '../support/openapi-conformance.ts';

const engines: Engine[] = ['postgres', 'pglite'];

describe.each(engines)('users v1 on %s', (engine) => {
  let app: TestApp;
  let conformance: Conformance;

  beforeAll(async () => {
    app = await startTestAppOn(engine, { BODY_LIMIT_BYTES: '1024' });
    conformance = await loadConformance(app.url, ['v1']);
  });
  afterAll(async () => {
    await app?.close();
  });

  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${app.url}${path}`, init);
    await conformance.check(init.method ?? 'GET', path, response);
    return response;
  };
  const send = (method: string, path: string, body: unknown, contentType = 'application/json') =>
    call(path, {
      method,
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const create = async (name: string, email: string) => {
    const response = await send('POST', '/api/v1/users', { name, email });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: number; name: string; email: string };
  };
  /** Every row, straight from the database: what a rejected request must leave unchanged. */
  const snapshot = () =>
    app.deps.db.orm.query.users.findMany({ orderBy: (users, { asc }) => [asc(users.id)] });

  describe('happy paths', () => {
    it('creates a user: 201, Location, the v1 shape', async () => {
      const response = await send('POST', '/api/v1/users', {
        name: 'Ada Lovelace',
        email: 'ada@example.com',
      });
      expect(response.status).toBe(201);
      const user = await response.json();
      expect(user).toEqual({
        id: expect.any(Number),
        name: 'Ada Lovelace',
        email: 'ada@example.com',
      });
      expect(response.headers.get('location')).toBe(`/api/v1/users/${user.id}`);
      const fetched = await call(response.headers.get('location') ?? '');
      expect(await fetched.json()).toEqual(user);
    });

    it('trims names and emails', async () => {
      const user = await create('  Grace Hopper ', ' grace@example.com ');
      expect(user).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com' });
    });

    it('accepts a JSON content type with parameters or a +json suffix', async () => {
      expect(
        (
          await send(
            'POST',
            '/api/v1/users',
            { name: 'A B', email: 'ab@example.com' },
            'application/json; charset=utf-8',
          )
        ).status,
      ).toBe(201);
      expect(
        (
          await send(
            'POST',
            '/api/v1/users',
            { name: 'C D', email: 'cd@example.com' },
            'application/merge-patch+json',
          )
        ).status,
      ).toBe(201);
    });

    it('updates with PATCH and keeps what was not sent', async () => {
      const user = await create('Alan Turing', 'alan@example.com');
      const response = await send('PATCH', `/api/v1/users/${user.id}`, { name: 'Alan M. Turing' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        id: user.id,
        name: 'Alan M. Turing',
        email: 'alan@example.com',
      });
      const row = (await snapshot()).find((candidate) => candidate.id === user.id);
      expect(row?.updatedAt.getTime()).toBeGreaterThanOrEqual(
        row?.createdAt.getTime() ?? Number.POSITIVE_INFINITY,
      );
    });

    it('lets a user change the case of their own email', async () => {
      const user = await create('Case Change', 'case@example.com');
      const response = await send('PATCH', `/api/v1/users/${user.id}`, {
        email: 'CASE@example.com',
      });
      expect(response.status).toBe(200);
    });

    it('deletes with 204, then the user is gone', async () => {
      const user = await create('Temp User', 'temp@example.com');
      const response = await call(`/api/v1/users/${user.id}`, { method: 'DELETE' });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      await expectProblem(await call(`/api/v1/users/${user.id}`), 404, 'not-found');
      await expectProblem(
        await call(`/api/v1/users/${user.id}`, { method: 'DELETE' }),
        404,
        'not-found',
      );
    });

    it('answers HEAD like GET without a body', async () => {
      const user = await create('Head Request', 'head@example.com');
      const response = await call(`/api/v1/users/${user.id}`, { method: 'HEAD' });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
    });
  });

  describe('pagination', () => {
    it('walks every user exactly once, in id order, by opaque cursor and Link rel=next', async () => {
      for (let index = 0; index < 7; index++)
        await create(`Page User${index}`, `page${index}@example.com`);
      const expected = (await snapshot()).map((row) => row.id);
      const seen: number[] = [];
      let path: string | null = '/api/v1/users?limit=3';
      let pages = 0;
      while (path) {
        const response = await call(path);
        expect(response.status).toBe(200);
        const page = (await response.json()) as {
          data: { id: number }[];
          nextCursor: string | null;
        };
        expect(page.data.length).toBeLessThanOrEqual(3);
        seen.push(...page.data.map((user) => user.id));
        const link = response.headers.get('link');
        if (page.nextCursor) {
          expect(link).toContain(`</api/v1/users?limit=3&cursor=${page.nextCursor}>; rel="next"`);
          expect(page.nextCursor).not.toMatch(/^\d+$/);
        } else {
          expect(link ?? '').not.toContain('rel="next"');
        }
        path = page.nextCursor ? `/api/v1/users?limit=3&cursor=${page.nextCursor}` : null;
        pages++;
      }
      expect(seen).toEqual(expected);
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(expected.length / 3));
    });

    it('defaults to 20 per page and allows 100', async () => {
      const response = await call('/api/v1/users');
      const page = (await response.json()) as { data: unknown[] };
      expect(page.data.length).toBeLessThanOrEqual(20);
      expect((await call('/api/v1/users?limit=100')).status).toBe(200);
      expect((await call('/api/v1/users?limit=1')).status).toBe(200);
    });

    it.each([['0'], ['101'], ['-1'], ['abc'], ['1.5'], ['99999999999999999999999'], ['']])(
      'rejects limit=%j with a 400 naming the parameter',
      async (limit) => {
        const problem = await expectProblem(
          await call(`/api/v1/users?limit=${encodeURIComponent(limit)}`),
          400,
          'validation-error',
        );
        expect(problem.errors).toEqual([{ parameter: 'limit', detail: expect.any(String) }]);
      },
    );

    it.each([
      ['garbage!'],
      ['zz'],
      [Buffer.from('u:-5').toString('base64url')],
      [Buffer.from('u:abc').toString('base64url')],
      [Buffer.from('u:99999999999999999999').toString('base64url')],
      [Buffer.from('x:5').toString('base64url')],
      ['a'.repeat(500)],
    ])('rejects cursor %j with a 400', async (cursor) => {
      const problem = await expectProblem(
        await call(`/api/v1/users?cursor=${encodeURIComponent(cursor)}`),
        400,
        'validation-error',
      );
      expect(problem.errors).toEqual([{ parameter: 'cursor', detail: expect.any(String) }]);
    });

    it('rejects unknown query parameters, listing each', async () => {
      const problem = await expectProblem(
        await call('/api/v1/users?limit=0&sort=name'),
        400,
        'validation-error',
      );
      expect(problem.errors).toEqual(
        expect.arrayContaining([
          { parameter: 'limit', detail: expect.any(String) },
          { parameter: 'sort', detail: expect.any(String) },
        ]),
      );
    });
  });

  describe('bad input never changes data', () => {
    it.each([
      ['malformed JSON', '{"name": "x",', 'application/json', 400, 'malformed-json'],
      ['an empty body', '', 'application/json', 400, 'malformed-json'],
      ['a JSON array', '[]', 'application/json', 400, 'validation-error'],
      ['a JSON string', '"hello"', 'application/json', 400, 'validation-error'],
      ['null', 'null', 'application/json', 400, 'validation-error'],
      [
        'text/plain',
        '{"name":"A B","email":"x@example.com"}',
        'text/plain',
        415,
        'unsupported-media-type',
      ],
      [
        'form encoding',
        'name=A&email=b',
        'application/x-www-form-urlencoded',
        415,
        'unsupported-media-type',
      ],
    ])('POST with %s', async (_what, body, contentType, status, type) => {
      const before = await snapshot();
      await expectProblem(await send('POST', '/api/v1/users', body, contentType), status, type);
      expect(await snapshot()).toEqual(before);
    });

    it('POST without a content type is 415', async () => {
      const before = await snapshot();
      const response = await call('/api/v1/users', { method: 'POST', body: new Blob(['{}']) });
      await expectProblem(response, 415, 'unsupported-media-type');
      expect(await snapshot()).toEqual(before);
    });

    it('lists every bad field at once, by JSON pointer', async () => {
      const before = await snapshot();
      const problem = await expectProblem(
        await send('POST', '/api/v1/users', { name: 42, email: 'not-an-email', admin: true }),
        400,
        'validation-error',
      );
      expect(problem.errors).toEqual(
        expect.arrayContaining([
          { pointer: '#/name', detail: expect.any(String) },
          { pointer: '#/email', detail: 'must be an email address' },
          { pointer: '#/admin', detail: expect.any(String) },
        ]),
      );
      expect(await snapshot()).toEqual(before);
    });

    it.each([
      [{}, ['#/name', '#/email']],
      [{ name: '', email: 'e@example.com' }, ['#/name']],
      [{ name: '   ', email: 'e@example.com' }, ['#/name']],
      [{ name: 'x'.repeat(201), email: 'e@example.com' }, ['#/name']],
      [{ name: 'Ok Name', email: `${'x'.repeat(250)}@example.com` }, ['#/email']],
      [{ name: ['A'], email: { address: 'e@example.com' } }, ['#/name', '#/email']],
      [{ name: null, email: null }, ['#/name', '#/email']],
    ])('rejects %j', async (body, pointers) => {
      const before = await snapshot();
      const problem = await expectProblem(
        await send('POST', '/api/v1/users', body),
        400,
        'validation-error',
      );
      expect(
        (problem.errors as { pointer: string }[]).map((error) => error.pointer).sort(),
      ).toEqual([...pointers].sort());
      expect(await snapshot()).toEqual(before);
    });

    it('rejects a duplicate email that differs only in case: 409, one row', async () => {
      await create('First Owner', 'owner@example.com');
      const before = await snapshot();
      await expectProblem(
        await send('POST', '/api/v1/users', { name: 'Second', email: 'OWNER@Example.COM' }),
        409,
        'email-taken',
      );
      expect(await snapshot()).toEqual(before);
    });

    it("rejects a PATCH to another user's email: 409, nothing changed", async () => {
      await create('Taken Email', 'taken@example.com');
      const other = await create('Other Person', 'other@example.com');
      const before = await snapshot();
      await expectProblem(
        await send('PATCH', `/api/v1/users/${other.id}`, { email: 'Taken@Example.com' }),
        409,
        'email-taken',
      );
      expect(await snapshot()).toEqual(before);
    });

    it.each([
      [{}, 'an empty change'],
      [{ name: 5 }, 'a wrong type'],
      [{ id: 7 }, 'an unknown field'],
      [{ email: 'nope' }, 'a bad email'],
    ] as [object, string][])('rejects PATCH %j (%s)', async (body) => {
      const user = await create(
        `Patch Target${Math.random()}`,
        `patch${Math.random()}@example.com`,
      );
      const before = await snapshot();
      await expectProblem(
        await send('PATCH', `/api/v1/users/${user.id}`, body),
        400,
        'validation-error',
      );
      expect(await snapshot()).toEqual(before);
    });

    it('rejects PATCH with malformed JSON and with text/plain', async () => {
      const user = await create('Patch Media', 'patchmedia@example.com');
      const before = await snapshot();
      await expectProblem(
        await send('PATCH', `/api/v1/users/${user.id}`, '{'),
        400,
        'malformed-json',
      );
      await expectProblem(
        await send('PATCH', `/api/v1/users/${user.id}`, '{}', 'text/plain'),
        415,
        'unsupported-media-type',
      );
      expect(await snapshot()).toEqual(before);
    });

    it('rejects a body over the limit with 413, by Content-Length and when streamed', async () => {
      const before = await snapshot();
      const big = JSON.stringify({ name: 'x'.repeat(2000), email: 'big@example.com' });
      await expectProblem(await send('POST', '/api/v1/users', big), 413, 'payload-too-large');
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      });
      const streamed = await call('/api/v1/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      await expectProblem(streamed, 413, 'payload-too-large');
      const someone = (await snapshot())[0];
      await expectProblem(
        await send('PATCH', `/api/v1/users/${someone?.id}`, big),
        413,
        'payload-too-large',
      );
      expect(await snapshot()).toEqual(before);
    });

    it.each([
      ['abc'],
      ['0'],
      ['-1'],
      ['1.5'],
      ['1e3'],
      ['01'],
      ['9223372036854775807'],
      ['9223372036854775808'],
      ['99999999999999999999999999'],
    ])(
      'rejects the id %j with a 400 naming the parameter, for GET, PATCH and DELETE',
      async (id) => {
        const before = await snapshot();
        for (const response of [
          await call(`/api/v1/users/${id}`),
          await send('PATCH', `/api/v1/users/${id}`, { name: 'New Name' }),
          await call(`/api/v1/users/${id}`, { method: 'DELETE' }),
        ]) {
          const problem = await expectProblem(response, 400, 'validation-error');
          expect(problem.errors).toEqual([{ parameter: 'id', detail: expect.any(String) }]);
        }
        expect(await snapshot()).toEqual(before);
      },
    );

    it('answers 404 for an unknown id on GET, PATCH and DELETE', async () => {
      const before = await snapshot();
      await expectProblem(await call('/api/v1/users/999999'), 404, 'not-found');
      await expectProblem(
        await send('PATCH', '/api/v1/users/999999', { name: 'Nobody Here' }),
        404,
        'not-found',
      );
      await expectProblem(
        await call('/api/v1/users/999999', { method: 'DELETE' }),
        404,
        'not-found',
      );
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('protocol', () => {
    it('answers a wrong method with 405 and Allow', async () => {
      const collection = await expectProblem(
        await call('/api/v1/users', { method: 'PUT' }),
        405,
        'method-not-allowed',
      );
      expect(collection.detail).toContain('PUT');
      const response = await call('/api/v1/users/1', { method: 'PUT' });
      expect(response.headers.get('allow')).toBe('GET, HEAD, PATCH, DELETE, OPTIONS');
      await expectProblem(response, 405, 'method-not-allowed');
      const deleteAll = await call('/api/v1/users', { method: 'DELETE' });
      expect(deleteAll.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    });

    it('answers OPTIONS with 204 and Allow', async () => {
      const response = await call('/api/v1/users', { method: 'OPTIONS' });
      expect(response.status).toBe(204);
      expect(response.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
      expect(response.headers.get('content-type')).toBeNull();
    });

    it('answers an unknown path with a 404 problem', async () => {
      const problem = await expectProblem(await call('/api/v1/nothing-here'), 404, 'not-found');
      expect(problem.instance).toBe('/api/v1/nothing-here');
    });

    it('documents every problem type at its URI', async () => {
      const response = await call('/problems/email-taken');
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ type: '/problems/email-taken', status: 409 });
      await expectProblem(await call('/problems/no-such-type'), 404, 'not-found');
    });

    it('echoes a sane X-Request-ID and replaces an unsafe one', async () => {
      const kept = await call('/health', { headers: { 'x-request-id': 'abc-123.trace:7' } });
      expect(kept.headers.get('x-request-id')).toBe('abc-123.trace:7');
      const replaced = await call('/health', {
        headers: { 'x-request-id': 'bad id\twith "quotes"' },
      });
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const tooLong = await call('/health', { headers: { 'x-request-id': 'x'.repeat(200) } });
      expect(tooLong.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('sends secure headers', async () => {
      const response = await call('/api/v1/users');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    });
  });

  it('has checked every documented response these tests provoke against the document', () => {
    const provoked = new Set(['200', '201', '204', '400', '404', '409', '413', '415']);
    const expected = conformance
      .documented()
      .filter((entry) => provoked.has(entry.split(' ').at(-1) ?? ''));
    expect(expected.filter((entry) => !conformance.seen.has(entry))).toEqual([]);
  });
});
