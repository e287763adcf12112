// The v2 users API over real sockets, on real PostgreSQL and on the embedded PGlite default:
// every endpoint, every error path, the rows left untouched by every rejected request, and
// every response checked against the served v2 OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, expectProblem } from '../support/api-client.ts';
import { type Engine, startTestAppOn, type TestApp } from '../support/app-server.ts';
import { type Conformance, loadConformance } from '../support/openapi-conformance.ts';

const engines: Engine[] = ['postgres', 'pglite'];

interface UserV2 {
  id: number;
  fullName: string;
  email: string;
  profile: { createdAt: string; updatedAt: string };
}

/** Statuses these tests can provoke; 429, 410 and 5xx have suites of their own. */
const EXERCISED = new Set(['200', '201', '204', '400', '404', '409', '413', '415']);

describe.each(engines)('users v2 on %s', (engine) => {
  let app: TestApp;
  let conformance: Conformance;
  let api: ApiClient;

  beforeAll(async () => {
    app = await startTestAppOn(engine, { BODY_LIMIT_BYTES: '1024' });
    conformance = await loadConformance(app.url, ['v2']);
    api = apiClient(app, conformance);
  });
  afterAll(async () => {
    await app?.close();
  });

  const create = async (firstName: string, lastName: string, email: string) => {
    const response = await api.send('POST', '/api/v2/users', { firstName, lastName, email });
    expect(response.status).toBe(201);
    return (await response.json()) as UserV2;
  };

  describe('happy paths', () => {
    it('creates a user: 201, Location, the v2 shape with ISO timestamps', async () => {
      const response = await api.send('POST', '/api/v2/users', {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
      });
      expect(response.status).toBe(201);
      const user = (await response.json()) as UserV2;
      expect(user).toEqual({
        id: expect.any(Number),
        fullName: 'Ada Lovelace',
        email: 'ada@example.com',
        profile: { createdAt: expect.any(String), updatedAt: expect.any(String) },
      });
      expect(new Date(user.profile.createdAt).toISOString()).toBe(user.profile.createdAt);
      expect(user.profile.updatedAt).toBe(user.profile.createdAt);
      expect(response.headers.get('location')).toBe(`/api/v2/users/${user.id}`);
      const fetched = await api.call(response.headers.get('location') ?? '');
      expect(await fetched.json()).toEqual(user);
    });

    it('trims every field, collapses whitespace inside names, accepts an empty last name', async () => {
      const user = await create('  Mary \t Ann ', '   ', ' mary@example.com ');
      expect(user).toMatchObject({ fullName: 'Mary Ann', email: 'mary@example.com' });
      const plato = await create('Plato', '', 'plato@example.com');
      expect(plato.fullName).toBe('Plato');
    });

    it('keeps non-ASCII names as sent', async () => {
      const user = await create('Zoë', 'Ångström-李', 'zoe@example.com');
      expect(user.fullName).toBe('Zoë Ångström-李');
    });

    it('updates any subset with PATCH and keeps the rest; updatedAt moves on', async () => {
      const user = await create('Alan', 'Turing', 'alan@example.com');
      const renamed = await api.send('PATCH', `/api/v2/users/${user.id}`, {
        lastName: 'M. Turing',
      });
      expect(renamed.status).toBe(200);
      const after = (await renamed.json()) as UserV2;
      expect(after).toMatchObject({
        id: user.id,
        fullName: 'Alan M. Turing',
        email: 'alan@example.com',
      });
      expect(after.profile.createdAt).toBe(user.profile.createdAt);
      expect(Date.parse(after.profile.updatedAt)).toBeGreaterThanOrEqual(
        Date.parse(user.profile.createdAt),
      );
      const emailed = await api.send('PATCH', `/api/v2/users/${user.id}`, {
        email: 'turing@example.com',
        firstName: 'Alan Mathison',
      });
      expect(await emailed.json()).toMatchObject({
        fullName: 'Alan Mathison M. Turing',
        email: 'turing@example.com',
      });
      const dropped = await api.send('PATCH', `/api/v2/users/${user.id}`, { lastName: '' });
      expect(((await dropped.json()) as UserV2).fullName).toBe('Alan Mathison');
    });

    it('deletes with 204, then the user is gone', async () => {
      const user = await create('Temp', 'User', 'temp@example.com');
      const response = await api.call(`/api/v2/users/${user.id}`, { method: 'DELETE' });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      await expectProblem(await api.call(`/api/v2/users/${user.id}`), 404, 'not-found');
      await expectProblem(
        await api.call(`/api/v2/users/${user.id}`, { method: 'DELETE' }),
        404,
        'not-found',
      );
    });

    it('answers HEAD like GET without a body', async () => {
      const user = await create('Head', 'Request', 'head@example.com');
      const response = await api.call(`/api/v2/users/${user.id}`, { method: 'HEAD' });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
    });
  });

  describe('pagination', () => {
    it('walks every user exactly once, in id order, by cursor and Link rel=next', async () => {
      for (let index = 0; index < 5; index++)
        await create('Page', `User${index}`, `v2page${index}@example.com`);
      const expected = ((await api.snapshot()) as { id: number }[]).map((row) => row.id);
      const seen: number[] = [];
      let path: string | null = '/api/v2/users?limit=2';
      while (path) {
        const response = await api.call(path);
        expect(response.status).toBe(200);
        const page = (await response.json()) as { data: UserV2[]; nextCursor: string | null };
        seen.push(...page.data.map((user) => user.id));
        const link = response.headers.get('link') ?? '';
        if (page.nextCursor) expect(link).toContain(`cursor=${page.nextCursor}>; rel="next"`);
        else expect(link).not.toContain('rel="next"');
        path = page.nextCursor ? `/api/v2/users?limit=2&cursor=${page.nextCursor}` : null;
      }
      expect(seen).toEqual(expected);
    });

    it.each([['0'], ['101'], ['x'], ['']])(
      'rejects limit=%j naming the parameter',
      async (limit) => {
        const problem = await expectProblem(
          await api.call(`/api/v2/users?limit=${limit}`),
          400,
          'validation-error',
        );
        expect(problem.errors).toEqual([{ parameter: 'limit', detail: expect.any(String) }]);
      },
    );

    it('rejects a cursor it did not issue and unknown parameters', async () => {
      await expectProblem(await api.call('/api/v2/users?cursor=nope!'), 400, 'validation-error');
      const problem = await expectProblem(
        await api.call('/api/v2/users?sort=name'),
        400,
        'validation-error',
      );
      expect(problem.errors).toEqual([{ parameter: 'sort', detail: expect.any(String) }]);
    });
  });

  describe('bad input never changes data', () => {
    it('lists every bad field at once, by JSON pointer', async () => {
      const before = await api.snapshot();
      const problem = await expectProblem(
        await api.send('POST', '/api/v2/users', {
          firstName: 42,
          lastName: ['x'],
          email: 'not-an-email',
          name: 'v1 field',
        }),
        400,
        'validation-error',
      );
      expect(problem.errors).toEqual(
        expect.arrayContaining([
          { pointer: '#/firstName', detail: expect.any(String) },
          { pointer: '#/lastName', detail: expect.any(String) },
          { pointer: '#/email', detail: 'must be an email address' },
          { pointer: '#/name', detail: 'is not a known parameter or field' },
        ]),
      );
      expect(await api.snapshot()).toEqual(before);
    });

    it.each([
      [{}, ['#/firstName', '#/lastName', '#/email']],
      [{ firstName: '', lastName: 'X', email: 'e@example.com' }, ['#/firstName']],
      [{ firstName: ' \t ', lastName: 'X', email: 'e@example.com' }, ['#/firstName']],
      [{ firstName: 'A', email: 'e@example.com' }, ['#/lastName']],
      [{ firstName: 'x'.repeat(101), lastName: 'X', email: 'e@example.com' }, ['#/firstName']],
      [{ firstName: 'X', lastName: 'x'.repeat(100), email: 'e@example.com' }, ['#/lastName']],
      [{ firstName: 'A\u0000B', lastName: 'X', email: 'e@example.com' }, ['#/firstName']],
      [{ firstName: 'A', lastName: 'B\u0007', email: 'e@example.com' }, ['#/lastName']],
      [{ firstName: 'A\ud800', lastName: 'X', email: 'e@example.com' }, ['#/firstName']],
      [{ firstName: null, lastName: null, email: null }, ['#/firstName', '#/lastName', '#/email']],
      [{ firstName: 'A', lastName: 'B', email: `${'x'.repeat(250)}@example.com` }, ['#/email']],
    ])('rejects POST %j', async (body, pointers) => {
      const before = await api.snapshot();
      const problem = await expectProblem(
        await api.send('POST', '/api/v2/users', body),
        400,
        'validation-error',
      );
      const reported = (problem.errors as { pointer: string }[]).map((error) => error.pointer);
      expect([...new Set(reported)].sort()).toEqual([...pointers].sort());
      expect(await api.snapshot()).toEqual(before);
    });

    it.each([
      ['malformed JSON', '{"firstName": "x",', 'application/json', 400, 'malformed-json'],
      ['a JSON array', '[]', 'application/json', 400, 'validation-error'],
      ['text/plain', '{}', 'text/plain', 415, 'unsupported-media-type'],
    ])('rejects POST with %s', async (_what, body, contentType, status, type) => {
      const before = await api.snapshot();
      await expectProblem(await api.send('POST', '/api/v2/users', body, contentType), status, type);
      expect(await api.snapshot()).toEqual(before);
    });

    it('rejects a body over the limit with 413, on POST and on PATCH', async () => {
      const user = await create('Big', 'Body', 'bigbody@example.com');
      const before = await api.snapshot();
      const big = { firstName: 'x'.repeat(2000), lastName: 'Y', email: 'big@example.com' };
      await expectProblem(await api.send('POST', '/api/v2/users', big), 413, 'payload-too-large');
      await expectProblem(
        await api.send('PATCH', `/api/v2/users/${user.id}`, big),
        413,
        'payload-too-large',
      );
      expect(await api.snapshot()).toEqual(before);
    });

    it('rejects a duplicate email that differs only in case: 409, on POST and on PATCH', async () => {
      await create('First', 'Owner', 'owner2@example.com');
      const other = await create('Other', 'Person', 'other2@example.com');
      const before = await api.snapshot();
      await expectProblem(
        await api.send('POST', '/api/v2/users', {
          firstName: 'Second',
          lastName: '',
          email: 'OWNER2@Example.COM',
        }),
        409,
        'email-taken',
      );
      await expectProblem(
        await api.send('PATCH', `/api/v2/users/${other.id}`, { email: 'Owner2@example.com' }),
        409,
        'email-taken',
      );
      expect(await api.snapshot()).toEqual(before);
    });

    it.each([
      [{}, 'an empty change'],
      [{ firstName: '' }, 'an empty first name'],
      [{ lastName: 5 }, 'a wrong type'],
      [{ fullName: 'A B' }, 'a read-only field'],
      [{ email: 'nope' }, 'a bad email'],
    ] as [object, string][])('rejects PATCH %j (%s)', async (body) => {
      const user = await create('Patch', 'Target', `v2patch${Math.random()}@example.com`);
      const before = await api.snapshot();
      await expectProblem(
        await api.send('PATCH', `/api/v2/users/${user.id}`, body),
        400,
        'validation-error',
      );
      await expectProblem(
        await api.send('PATCH', `/api/v2/users/${user.id}`, '{}', 'text/plain'),
        415,
        'unsupported-media-type',
      );
      expect(await api.snapshot()).toEqual(before);
    });

    it.each([['abc'], ['0'], ['-1'], ['1.5'], ['01'], ['99999999999999999999']])(
      'rejects the id %j with a 400 naming the parameter, for GET, PATCH and DELETE',
      async (id) => {
        const before = await api.snapshot();
        for (const response of [
          await api.call(`/api/v2/users/${id}`),
          await api.send('PATCH', `/api/v2/users/${id}`, { firstName: 'New' }),
          await api.call(`/api/v2/users/${id}`, { method: 'DELETE' }),
        ]) {
          const problem = await expectProblem(response, 400, 'validation-error');
          expect(problem.errors).toEqual([{ parameter: 'id', detail: expect.any(String) }]);
        }
        expect(await api.snapshot()).toEqual(before);
      },
    );

    it('answers 404 for an unknown id on GET, PATCH and DELETE', async () => {
      const before = await api.snapshot();
      await expectProblem(await api.call('/api/v2/users/999999'), 404, 'not-found');
      await expectProblem(
        await api.send('PATCH', '/api/v2/users/999999', { firstName: 'Nobody' }),
        404,
        'not-found',
      );
      await expectProblem(
        await api.call('/api/v2/users/999999', { method: 'DELETE' }),
        404,
        'not-found',
      );
      expect(await api.snapshot()).toEqual(before);
    });
  });

  describe("a user's recommendations (the route in the v2 document)", () => {
    it('answers 200, 400 and 404 as documented', async () => {
      const user = await create('Reco', 'Mended', 'reco@example.com');
      const response = await api.call(`/api/v2/users/${user.id}/recommendations?limit=3`);
      expect(response.status).toBe(200);
      await expectProblem(
        await api.call(`/api/v2/users/${user.id}/recommendations?limit=0`),
        400,
        'validation-error',
      );
      await expectProblem(
        await api.call('/api/v2/users/x/recommendations'),
        400,
        'validation-error',
      );
      await expectProblem(await api.call('/api/v2/users/999999/recommendations'), 404, 'not-found');
    });
  });

  it('has checked every documented response these tests can provoke against the document', () => {
    const expected = conformance
      .documented()
      .filter((entry) => EXERCISED.has(entry.split(' ').at(-1) ?? ''));
    expect(expected.filter((entry) => !conformance.seen.has(entry))).toEqual([]);
  });
});
