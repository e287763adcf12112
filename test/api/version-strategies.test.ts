// Every way a client can name an API version — the URL, the API-Version header, the version
// query parameter, a version in Accept, nothing at all — through the users endpoints, over real
// HTTP on PostgreSQL: the negotiated version's body and headers, Vary, Content-Location, the
// usage metric's source label, every conflicting combination, 406 and unknown versions. Every
// answer is checked against the served OpenAPI documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, expectProblem } from '../support/api-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type ObservedApp, startObservedApp } from '../support/observed-app.ts';
import { type Conformance, loadConformance } from '../support/openapi-conformance.ts';

type Version = 'v1' | 'v2';
type Source = 'url' | 'header' | 'query' | 'media_type' | 'default';

interface Strategy {
  name: string;
  source: Source;
  /** The path for `/users…` in this strategy and version, with its query. */
  path(version: Version, rest: string): string;
  headers(version: Version): Record<string, string>;
  /** The response's Content-Type for a JSON body. */
  contentType(version: Version): string;
}

const n = (version: Version) => version.slice(1);
const withQuery = (rest: string, query: string) =>
  rest.includes('?') ? `${rest}&${query}` : `${rest}?${query}`;

const strategies: Strategy[] = [
  {
    name: 'the URL',
    source: 'url',
    path: (version, rest) => `/api/${version}${rest}`,
    headers: () => ({}),
    contentType: () => 'application/json',
  },
  {
    name: 'API-Version: <n>',
    source: 'header',
    path: (_version, rest) => `/api${rest}`,
    headers: (version) => ({ 'API-Version': n(version) }),
    contentType: () => 'application/json',
  },
  {
    name: 'API-Version: V<n>',
    source: 'header',
    path: (_version, rest) => `/api${rest}`,
    headers: (version) => ({ 'API-Version': version.toUpperCase() }),
    contentType: () => 'application/json',
  },
  {
    name: '?version=<n>',
    source: 'query',
    path: (version, rest) => withQuery(`/api${rest}`, `version=${n(version)}`),
    headers: () => ({}),
    contentType: () => 'application/json',
  },
  {
    name: 'Accept: application/vnd.api+json; version=<n>',
    source: 'media_type',
    path: (_version, rest) => `/api${rest}`,
    headers: (version) => ({ Accept: `application/vnd.api+json; version=${n(version)}` }),
    contentType: (version) => `application/vnd.api+json; version=${n(version)}`,
  },
  {
    name: 'Accept: application/json; version=<n>',
    source: 'media_type',
    path: (_version, rest) => `/api${rest}`,
    headers: (version) => ({ Accept: `application/json; version=${n(version)}` }),
    contentType: (version) => `application/json; version=${n(version)}`,
  },
  {
    name: 'Accept: application/vnd.myapp+json; version=<n>',
    source: 'media_type',
    path: (_version, rest) => `/api${rest}`,
    headers: (version) => ({ Accept: `application/vnd.myapp+json; version=${n(version)}` }),
    contentType: (version) => `application/vnd.myapp+json; version=${n(version)}`,
  },
];

const bodies = {
  v1: { create: { name: 'Ada Lovelace', email: 'x' }, patch: { name: 'Ada King' } },
  v2: {
    create: { firstName: 'Ada', lastName: 'Lovelace', email: 'x' },
    patch: { lastName: 'King' },
  },
};

let database: TestDatabase;
let app: ObservedApp;
let api: ApiClient;
let conformance: Conformance;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startObservedApp(database.url);
  conformance = await loadConformance(app.url, ['v1', 'v2']);
  api = apiClient(app, conformance);
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
});

/** api_version_requests_total for one version and source, from the real metrics endpoint. */
async function counted(version: Version, source: Source): Promise<number> {
  const text = await (await fetch(app.metricsUrl)).text();
  const line = text
    .split('\n')
    .find((entry) =>
      entry.startsWith(
        `api_version_requests_total{api_version="${version}",api_version_source="${source}",api_client="other"}`,
      ),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

function expectNegotiatedHeaders(
  response: Response,
  strategy: Strategy,
  version: Version,
  versionedPath: string,
) {
  expect(response.headers.get('api-version')).toBe(version);
  const vary = response.headers.get('vary') ?? '';
  if (strategy.source === 'url') {
    expect(vary).not.toContain('API-Version');
    expect(response.headers.get('content-location')).toBeNull();
  } else {
    expect(vary).toContain('API-Version');
    expect(vary).toContain('Accept');
    if (versionedPath) expect(response.headers.get('content-location')).toBe(versionedPath);
  }
  if (version === 'v1') expect(response.headers.get('deprecation')).toMatch(/^@\d+$/);
  else expect(response.headers.get('deprecation')).toBeNull();
}

describe.each(strategies)('through $name', (strategy) => {
  it.each(['v1', 'v2'] as const)(
    'the users endpoints answer %s: create, read, change, list, delete',
    async (version) => {
      const headers = strategy.headers(version);
      const json = { ...headers, 'content-type': 'application/json' };
      const email = `${crypto.randomUUID()}@example.com`;
      const before = await counted(version, strategy.source);

      const created = await api.call(strategy.path(version, '/users'), {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ ...bodies[version].create, email }),
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('content-type')).toBe(strategy.contentType(version));
      expectNegotiatedHeaders(created, strategy, version, '');
      const user = await created.json();
      const id = user.id as number;
      expect(user).toEqual(
        version === 'v1'
          ? { id, name: 'Ada Lovelace', email }
          : {
              id,
              fullName: 'Ada Lovelace',
              email,
              profile: { createdAt: expect.any(String), updatedAt: expect.any(String) },
            },
      );

      const read = await api.call(strategy.path(version, `/users/${id}`), { headers });
      expect(read.status).toBe(200);
      expect(read.headers.get('content-type')).toBe(strategy.contentType(version));
      expectNegotiatedHeaders(read, strategy, version, `/api/${version}/users/${id}`);
      expect(await read.json()).toEqual(user);

      const changed = await api.call(strategy.path(version, `/users/${id}`), {
        method: 'PATCH',
        headers: json,
        body: JSON.stringify(bodies[version].patch),
      });
      expect(changed.status).toBe(200);
      expectNegotiatedHeaders(changed, strategy, version, `/api/${version}/users/${id}`);
      const after = await changed.json();
      expect(version === 'v1' ? after.name : after.fullName).toBe('Ada King');

      // Paging keeps the strategy: the next link still names the version in the query.
      const page = await api.call(strategy.path(version, '/users?limit=1'), { headers });
      expect(page.status).toBe(200);
      expectNegotiatedHeaders(page, strategy, version, `/api/${version}/users?limit=1`);
      const next = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
      if (next) {
        if (strategy.source === 'query') expect(next).toContain(`version=${n(version)}`);
        const second = await api.call(next, { headers });
        expect(second.status).toBe(200);
        expect(second.headers.get('api-version')).toBe(version);
      }

      const deleted = await api.call(strategy.path(version, `/users/${id}`), {
        method: 'DELETE',
        headers,
      });
      expect(deleted.status).toBe(204);
      const gone = await api.call(strategy.path(version, `/users/${id}`), { headers });
      await expectProblem(gone, 404, 'not-found');
      expect(gone.headers.get('api-version')).toBe(version);
      for (const method of ['PATCH', 'DELETE']) {
        const again = await api.call(strategy.path(version, `/users/${id}`), {
          method,
          headers: json,
          ...(method === 'PATCH' ? { body: JSON.stringify(bodies[version].patch) } : {}),
        });
        await expectProblem(again, 404, 'not-found');
      }

      // Eight requests above, nine with a next page: each counted by its source.
      expect((await counted(version, strategy.source)) - before).toBe(next ? 9 : 8);
    },
  );
});

describe('the default, and the URL over everything else', () => {
  it('serves the configured default (v2) when nothing names a version, as plain JSON', async () => {
    const before = await counted('v2', 'default');
    const response = await api.call('/api/users', { headers: { Accept: '*/*' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('content-location')).toBe('/api/v2/users');
    expect(response.headers.get('vary')).toContain('Accept');
    expect(await counted('v2', 'default')).toBe(before + 1);
  });

  it('answers a vendor media type without a version in that type, with the version named', async () => {
    const response = await api.call('/api/users', {
      headers: { Accept: 'application/vnd.myapp+json' },
    });
    expect(response.headers.get('content-type')).toBe('application/vnd.myapp+json; version=2');
  });

  it('reads nothing but the URL on a versioned path', async () => {
    const response = await api.call('/api/v1/users?version=2', {
      headers: { 'API-Version': '2', Accept: 'application/vnd.api+json; version=2' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('api-version')).toBe('v1');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('vary') ?? '').not.toContain('API-Version');
  });

  it('serves the unversioned docs page whatever Accept says, by the header', async () => {
    // Not an operation of the documents: fetched past the conformance checker.
    const response = await fetch(`${app.url}/api/docs`, {
      headers: { Accept: 'text/html', 'API-Version': '1' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('api-version')).toBe('v1');
  });
});

describe('every conflicting combination: 400 naming both, nothing written', () => {
  const v1Body = JSON.stringify({ name: 'Never Written', email: 'never@example.com' });
  it.each([
    ['header × query', '?version=2', { 'API-Version': '1' }, { header: '1', query: '2' }],
    [
      'header × query (spelled v)',
      '?version=v1',
      { 'API-Version': 'V2' },
      { header: 'V2', query: 'v1' },
    ],
    ['query × query', '?version=1&version=2', {}, { query: '2' }],
    [
      'header × Accept',
      '',
      { 'API-Version': '1', Accept: 'application/vnd.api+json; version=2' },
      { header: '1', media_type: 'v2' },
    ],
    [
      'query × Accept',
      '?version=1',
      { Accept: 'application/json; version=2' },
      { query: '1', media_type: 'v2' },
    ],
    [
      'header = query × Accept',
      '?version=1',
      { 'API-Version': '1', Accept: 'application/vnd.myapp+json; version=2' },
      { header: '1', media_type: 'v2' },
    ],
  ] as const)('%s', async (_what, query, headers, conflicting) => {
    for (const method of ['GET', 'POST'] as const) {
      const before = await api.snapshot();
      const response = await api.call(`/api/users${query}`, {
        method,
        headers: { ...headers, 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: v1Body } : {}),
      });
      const problem = await expectProblem(response, 400, 'conflicting-versions');
      expect(problem.conflictingVersions).toEqual(conflicting);
      for (const sent of Object.values(conflicting)) expect(problem.detail).toContain(`"${sent}"`);
      expect(response.headers.get('vary')).toContain('Accept');
      expect(await api.snapshot()).toEqual(before);
    }
  });
});

describe('what no version can answer', () => {
  it.each([
    ['text/html', {}],
    ['application/xml, text/plain;q=0.5', {}],
    ['application/json; version=9', {}],
    ['application/json;q=0', { 'API-Version': '2' }],
    ['application/json; version=7', { 'API-Version': '1' }],
  ])('Accept: %s %j is a 406 listing the versions', async (accept, headers) => {
    const response = await api.call('/api/users/1', { headers: { ...headers, Accept: accept } });
    const problem = await expectProblem(response, 406, 'not-acceptable');
    expect(problem.supportedVersions).toEqual(['v1', 'v2']);
  });

  it.each([
    ['a decimal in the header', '', { 'API-Version': '2.0' }, '2.0'],
    ['a date in the header', '', { 'API-Version': '2026-11-01' }, '2026-11-01'],
    ['an unknown number in the query', '?version=3', {}, '3'],
    ['broken percent-encoding in the query', '?version=%ZZ', {}, '%ZZ'],
  ])('%s is a 400 listing the versions', async (_what, query, headers, sent) => {
    const response = await api.call(`/api/users/1${query}`, { headers });
    const problem = await expectProblem(response, 400, 'unsupported-version');
    expect(problem.supportedVersions).toEqual(['v1', 'v2']);
    expect(problem.detail).toContain(`"${sent}"`);
  });
});

it('has checked every documented answer of the negotiated users operations against the documents', () => {
  const provoked = new Set(['200', '201', '204', '404']);
  const expected = conformance
    .documented({ negotiated: true })
    .filter((entry) => entry.includes(' /api/users') && !entry.includes('recommendations'))
    .filter((entry) => provoked.has(entry.split(' ').at(-1) ?? ''));
  expect(expected.length).toBeGreaterThan(0);
  expect(expected.filter((entry) => !conformance.seen.has(entry))).toEqual([]);
});
