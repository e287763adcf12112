// The users routers of both versions in process: the real service (app/users/service.ts) over
// an in-memory repository, so every answer the HTTP layer gives is checked in milliseconds.
// The repository's SQL, the email index and the migrations are the integration tests' part
// (test/api/users-v1.test.ts, users-v2.test.ts against PostgreSQL).
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../http/errors.ts';
import { methodNotAllowed } from '../http/method-not-allowed.ts';
import { notFound } from '../http/not-found.ts';
import { createLogger } from '../telemetry/logger.ts';
import { EmailTakenError } from '../users/errors.ts';
import type { User } from '../users/model.ts';
import type { UsersRepository } from '../users/repository.ts';
import { createUsersService } from '../users/service.ts';
import { encodeCursor } from './cursor.ts';
import { databaseProblem, domainErrors } from './error-problems.ts';
import { usersV1 } from './v1/users.ts';
import { usersV2 } from './v2/users.ts';

/** Keeps what PostgreSQL keeps for the router's purposes: ids in order, emails unique by case. */
function memoryRepository(now: () => Date): UsersRepository {
  const rows = new Map<number, User>();
  let lastId = 0;
  const takenBy = (email: string) =>
    [...rows.values()].find((user) => user.email.toLowerCase() === email.toLowerCase())?.id;
  return {
    async listAfter(afterId, limit) {
      return [...rows.values()]
        .filter((user) => user.id > afterId)
        .sort((a, b) => a.id - b.id)
        .slice(0, limit)
        .map((user) => ({ ...user }));
    },
    async find(id) {
      const user = rows.get(id);
      return user && { ...user };
    },
    async insert(input) {
      if (takenBy(input.email) !== undefined) throw new EmailTakenError(input.email);
      const at = now();
      const user = { id: ++lastId, ...input, createdAt: at, updatedAt: at };
      rows.set(user.id, user);
      return { ...user };
    },
    async update(id, changes, at) {
      const user = rows.get(id);
      if (!user) return undefined;
      const owner = changes.email === undefined ? undefined : takenBy(changes.email);
      if (changes.email !== undefined && owner !== undefined && owner !== id)
        throw new EmailTakenError(changes.email);
      Object.assign(user, changes, { updatedAt: at });
      return { ...user };
    },
    async delete(id) {
      return rows.delete(id);
    },
  };
}

const CREATED_AT = new Date('2026-11-20T10:00:00.000Z');

/** Both versions' routers on one service, wired as createApp wires them. */
function api() {
  const clock = { now: CREATED_AT };
  const users = createUsersService(
    memoryRepository(() => clock.now),
    () => clock.now,
  );
  const app = new Hono();
  app.use(methodNotAllowed(app));
  app.route('/api/v1/users', usersV1(users));
  app.route('/api/v2/users', usersV2(users));
  app.notFound(notFound);
  app.onError(
    errorHandler({
      logger: createLogger({ level: 'silent', destination: { write() {} } }),
      knownErrors: domainErrors,
      classifiers: [databaseProblem],
    }),
  );

  const send = (method: string, path: string, body?: unknown, contentType = 'application/json') =>
    app.request(path, {
      method,
      ...(body === undefined
        ? {}
        : {
            body: typeof body === 'string' ? body : JSON.stringify(body),
            headers: { 'content-type': contentType },
          }),
    });
  return {
    clock,
    get: (path: string) => send('GET', path),
    post: (path: string, body: unknown, contentType?: string) =>
      send('POST', path, body, contentType),
    patch: (path: string, body: unknown, contentType?: string) =>
      send('PATCH', path, body, contentType),
    delete: (path: string) => send('DELETE', path),
  };
}

const ada = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' };

/** The problem a response carries, checked to be one. */
async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return response.json();
}

describe('POST /api/v2/users', () => {
  it('creates a user: 201, Location, and the v2 shape', async () => {
    const { post } = api();
    const response = await post('/api/v2/users', ada);
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/api/v2/users/1');
    expect(await response.json()).toEqual({
      id: 1,
      fullName: 'Ada Lovelace',
      email: 'ada@example.com',
      profile: { createdAt: '2026-11-20T10:00:00.000Z', updatedAt: '2026-11-20T10:00:00.000Z' },
    });
  });

  it('stores names trimmed with whitespace collapsed, and the email trimmed', async () => {
    const { post } = api();
    const response = await post('/api/v2/users', {
      firstName: '  Mary \t Ann ',
      lastName: ' Shelley',
      email: ' mary@example.com ',
    });
    expect(await response.json()).toMatchObject({
      fullName: 'Mary Ann Shelley',
      email: 'mary@example.com',
    });
  });

  it('answers 409 email-taken for an email another user has, in any case', async () => {
    const { post, get } = api();
    await post('/api/v2/users', ada);
    const response = await post('/api/v2/users', { ...ada, email: 'ADA@Example.com' });
    expect(response.status).toBe(409);
    expect(await problemOf(response)).toMatchObject({
      type: '/problems/email-taken',
      instance: '/api/v2/users',
    });
    expect((await (await get('/api/v2/users')).json()).data).toHaveLength(1);
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    const { post } = api();
    const response = await post('/api/v2/users', JSON.stringify(ada), 'text/plain');
    expect(response.status).toBe(415);
    expect((await problemOf(response)).type).toBe('/problems/unsupported-media-type');
  });

  it('answers 400 malformed-json for a body that does not parse', async () => {
    const { post } = api();
    const response = await post('/api/v2/users', '{"firstName": "Ada"');
    expect(response.status).toBe(400);
    expect((await problemOf(response)).type).toBe('/problems/malformed-json');
  });

  it('answers 400 validation-error naming every bad and unknown field', async () => {
    const { post } = api();
    const response = await post('/api/v2/users', {
      firstName: '',
      email: 'not-an-email',
      role: 'admin',
    });
    // The API answers every validation failure, syntactic or semantic, with 400 (never 422).
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.type).toBe('/problems/validation-error');
    expect(problem.errors.map((error: { pointer: string }) => error.pointer).sort()).toEqual([
      '#/email',
      '#/firstName',
      '#/lastName',
      '#/role',
    ]);
  });

  it.each([
    ['a control character', { ...ada, firstName: 'A\u0000da' }],
    ['a lone surrogate', { ...ada, lastName: 'Love\ud800lace' }],
    ['a name too long', { ...ada, firstName: 'a'.repeat(101) }],
  ])('refuses %s with 400 rather than storing it', async (_what, body) => {
    const response = await api().post('/api/v2/users', body);
    expect(response.status).toBe(400);
    expect((await problemOf(response)).type).toBe('/problems/validation-error');
  });
});

describe('GET /api/v2/users/{id}', () => {
  it('reads a user', async () => {
    const { post, get } = api();
    await post('/api/v2/users', ada);
    const response = await get('/api/v2/users/1');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: 1, fullName: 'Ada Lovelace' });
  });

  it('answers 404 not-found for an id no user has', async () => {
    const response = await api().get('/api/v2/users/99');
    expect(response.status).toBe(404);
    expect(await problemOf(response)).toMatchObject({
      type: '/problems/not-found',
      detail: 'No user has id 99.',
      instance: '/api/v2/users/99',
    });
  });

  it.each(['abc', '0', '-1', '01', '1.5', '9007199254740993'])(
    'answers 400 naming the id parameter for id %s',
    async (id) => {
      const response = await api().get(`/api/v2/users/${id}`);
      expect(response.status).toBe(400);
      expect(await problemOf(response)).toMatchObject({
        type: '/problems/validation-error',
        errors: [{ parameter: 'id' }],
      });
    },
  );
});

describe('GET /api/v2/users', () => {
  async function withUsers(count: number) {
    const client = api();
    for (let n = 1; n <= count; n++)
      await client.post('/api/v2/users', { ...ada, email: `user${n}@example.com` });
    return client;
  }
  const ids = (body: { data: { id: number }[] }) => body.data.map((user) => user.id);

  it('pages through every user in id order by following nextCursor', async () => {
    const { get } = await withUsers(5);
    const first = await get('/api/v2/users?limit=2');
    const firstBody = await first.json();
    expect(ids(firstBody)).toEqual([1, 2]);
    expect(firstBody.nextCursor).toEqual(expect.any(String));
    expect(first.headers.get('link')).toBe(
      `</api/v2/users?limit=2&cursor=${firstBody.nextCursor}>; rel="next"`,
    );

    const second = await (await get(`/api/v2/users?limit=2&cursor=${firstBody.nextCursor}`)).json();
    expect(ids(second)).toEqual([3, 4]);

    const last = await get(`/api/v2/users?limit=2&cursor=${second.nextCursor}`);
    const lastBody = await last.json();
    expect(ids(lastBody)).toEqual([5]);
    expect(lastBody.nextCursor).toBeNull();
    expect(last.headers.get('link')).toBeNull();
  });

  it('ends on a full last page without an empty page after it', async () => {
    const { get } = await withUsers(4);
    const first = await (await get('/api/v2/users?limit=2')).json();
    const second = await (await get(`/api/v2/users?limit=2&cursor=${first.nextCursor}`)).json();
    expect(ids(second)).toEqual([3, 4]);
    expect(second.nextCursor).toBeNull();
  });

  it('pages 20 users at a time by default, and an empty list is one empty page', async () => {
    expect(await (await api().get('/api/v2/users')).json()).toEqual({ data: [], nextCursor: null });
    const { get } = await withUsers(21);
    const page = await (await get('/api/v2/users')).json();
    expect(page.data).toHaveLength(20);
    expect(page.nextCursor).not.toBeNull();
  });

  it('skips deleted users and continues after the cursor even when its user is gone', async () => {
    const client = await withUsers(4);
    const first = await (await client.get('/api/v2/users?limit=2')).json();
    await client.delete('/api/v2/users/2');
    await client.delete('/api/v2/users/3');
    const next = await (
      await client.get(`/api/v2/users?limit=2&cursor=${first.nextCursor}`)
    ).json();
    expect(ids(next)).toEqual([4]);
  });

  it('keeps the version query parameter in the next link', async () => {
    const { get } = await withUsers(2);
    const response = await get('/api/v2/users?version=v2&limit=1');
    expect(response.status).toBe(200);
    expect(response.headers.get('link')).toMatch(/^<\/api\/v2\/users\?version=v2&limit=1&cursor=/);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=1e2', 'limit'],
    ['sort=name', 'sort'],
    ['cursor=not*a*cursor', 'cursor'],
    [`cursor=${Buffer.from('x:5').toString('base64url')}`, 'cursor'],
    [`cursor=${Buffer.from('u:0').toString('base64url')}`, 'cursor'],
  ])('answers 400 for %s, naming the parameter', async (query, parameter) => {
    const response = await api().get(`/api/v2/users?${query}`);
    expect(response.status).toBe(400);
    expect(await problemOf(response)).toMatchObject({
      type: '/problems/validation-error',
      errors: [{ parameter }],
    });
  });

  it('takes a cursor it issued', async () => {
    const { get } = await withUsers(3);
    expect(ids(await (await get(`/api/v2/users?cursor=${encodeCursor(1)}`)).json())).toEqual([
      2, 3,
    ]);
  });
});

describe('PATCH /api/v2/users/{id}', () => {
  it('changes only the fields sent and moves updatedAt, not createdAt', async () => {
    const client = api();
    await client.post('/api/v2/users', ada);
    client.clock.now = new Date('2026-11-21T08:30:00.000Z');
    const response = await client.patch('/api/v2/users/1', { lastName: 'King' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: 1,
      fullName: 'Ada King',
      email: 'ada@example.com',
      profile: { createdAt: '2026-11-20T10:00:00.000Z', updatedAt: '2026-11-21T08:30:00.000Z' },
    });
    expect(await (await client.get('/api/v2/users/1')).json()).toMatchObject({
      fullName: 'Ada King',
    });
  });

  it('answers 400 for a change of nothing', async () => {
    const client = api();
    await client.post('/api/v2/users', ada);
    const response = await client.patch('/api/v2/users/1', {});
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors).toEqual([
      { pointer: '#', detail: 'must change at least one of: firstName, lastName, email' },
    ]);
  });

  it('answers 404 for a user that does not exist', async () => {
    const response = await api().patch('/api/v2/users/5', { lastName: 'King' });
    expect(response.status).toBe(404);
    expect((await problemOf(response)).type).toBe('/problems/not-found');
  });

  it("answers 409 for another user's email, and lets a user keep its own", async () => {
    const client = api();
    await client.post('/api/v2/users', ada);
    await client.post('/api/v2/users', { ...ada, email: 'grace@example.com' });
    const taken = await client.patch('/api/v2/users/2', { email: 'Ada@example.com' });
    expect(taken.status).toBe(409);
    expect((await problemOf(taken)).type).toBe('/problems/email-taken');
    expect((await client.patch('/api/v2/users/1', { email: 'ADA@example.com' })).status).toBe(200);
  });

  it('answers 415 for a body not declared as JSON', async () => {
    const client = api();
    await client.post('/api/v2/users', ada);
    const response = await client.patch('/api/v2/users/1', '{"lastName":"King"}', 'text/plain');
    expect(response.status).toBe(415);
  });

  it('checks the id before reading the body', async () => {
    const response = await api().patch('/api/v2/users/abc', '{', 'text/plain');
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors).toEqual([
      { parameter: 'id', detail: expect.any(String) },
    ]);
  });
});

describe('DELETE /api/v2/users/{id}', () => {
  it('deletes a user: 204, then 404 for it', async () => {
    const client = api();
    await client.post('/api/v2/users', ada);
    const response = await client.delete('/api/v2/users/1');
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect((await client.get('/api/v2/users/1')).status).toBe(404);
    expect((await client.delete('/api/v2/users/1')).status).toBe(404);
  });
});

describe('the resource as a whole', () => {
  it('answers 405 with Allow for a method the collection or an item does not support', async () => {
    const client = api();
    const collection = await client.delete('/api/v2/users');
    expect(collection.status).toBe(405);
    expect(collection.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    const item = await client.post('/api/v2/users/1', ada);
    expect(item.status).toBe(405);
    expect(item.headers.get('allow')).toBe('GET, HEAD, PATCH, DELETE, OPTIONS');
  });
});

describe('/api/v1/users', () => {
  it('creates and reads the v1 shape, storing the name split into its parts', async () => {
    const client = api();
    const created = await client.post('/api/v1/users', {
      name: ' Grace  Brewster Hopper ',
      email: 'grace@example.com',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/v1/users/1');
    expect(await created.json()).toEqual({
      id: 1,
      name: 'Grace Brewster Hopper',
      email: 'grace@example.com',
    });
    // v2 reads the same user; its fullName is v1's name.
    expect(await (await client.get('/api/v2/users/1')).json()).toMatchObject({
      fullName: 'Grace Brewster Hopper',
    });
  });

  it("reads what v2 wrote, and a v1 rename keeps v2's other fields", async () => {
    const client = api();
    await client.post('/api/v2/users', {
      firstName: 'Plato',
      lastName: '',
      email: 'p@example.com',
    });
    expect(await (await client.get('/api/v1/users/1')).json()).toEqual({
      id: 1,
      name: 'Plato',
      email: 'p@example.com',
    });
    const renamed = await client.patch('/api/v1/users/1', { name: 'Aristocles of Athens' });
    expect(await renamed.json()).toMatchObject({ name: 'Aristocles of Athens' });
    expect(await (await client.get('/api/v2/users/1')).json()).toMatchObject({
      fullName: 'Aristocles of Athens',
      email: 'p@example.com',
    });
  });

  it('refuses v2 fields and an empty name with 400', async () => {
    const client = api();
    const v2Shaped = await client.post('/api/v1/users', ada);
    expect(v2Shaped.status).toBe(400);
    expect(
      (await problemOf(v2Shaped)).errors.map((error: { pointer: string }) => error.pointer).sort(),
    ).toEqual(['#/firstName', '#/lastName', '#/name']);
    const blank = await client.post('/api/v1/users', { name: '   ', email: 'b@example.com' });
    expect(blank.status).toBe(400);
  });

  it('lists in pages of the v1 shape, with v1 links', async () => {
    const client = api();
    await client.post('/api/v1/users', { name: 'A B', email: 'a@example.com' });
    await client.post('/api/v1/users', { name: 'C D', email: 'c@example.com' });
    const response = await client.get('/api/v1/users?limit=1');
    const body = await response.json();
    expect(body.data).toEqual([{ id: 1, name: 'A B', email: 'a@example.com' }]);
    expect(response.headers.get('link')).toBe(
      `</api/v1/users?limit=1&cursor=${body.nextCursor}>; rel="next"`,
    );
  });

  it('answers the same problems as v2: 409, 404 and 204', async () => {
    const client = api();
    await client.post('/api/v1/users', { name: 'Ada', email: 'ada@example.com' });
    expect(
      (await client.post('/api/v1/users', { name: 'Eve', email: 'ADA@example.com' })).status,
    ).toBe(409);
    expect((await client.get('/api/v1/users/2')).status).toBe(404);
    expect((await client.delete('/api/v1/users/1')).status).toBe(204);
  });
});
