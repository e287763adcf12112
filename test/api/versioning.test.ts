// Version negotiation and deprecation signalling over real HTTP, checked against the RFCs'
// grammars, on every kind of v1 response — not only the collection path.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiVersions } from '../../app/api/versions.ts';
import { startTestApp, type TestApp } from '../support/app-server.ts';

const v1 = apiVersions.find((version) => version.id === 'v1');
if (!v1?.deprecatedAt || !v1.sunsetAt)
  throw new Error('these tests expect v1 to be deprecated with a sunset date');
const { deprecatedAt, sunsetAt } = v1;

// RFC 9745 §2: Deprecation is an sf-date: "@" followed by an integer (seconds since the epoch).
const SF_DATE = /^@-?\d{1,15}$/;
// RFC 9110 §5.6.7 IMF-fixdate, as RFC 8594 requires for Sunset.
const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** RFC 8288 Link header → rel → target. */
function links(header: string | null): Record<string, string> {
  const result: Record<string, string> = {};
  for (const match of (header ?? '').matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const rel = /rel="([^"]+)"/.exec(match[2] ?? '')?.[1];
    if (rel) for (const name of rel.split(/\s+/)) result[name] = match[1] ?? '';
  }
  return result;
}

function expectDeprecationHeaders(response: Response, path: string) {
  const deprecation = response.headers.get('deprecation') ?? '';
  expect(deprecation).toMatch(SF_DATE);
  expect(Number(deprecation.slice(1))).toBe(Math.floor(deprecatedAt.getTime() / 1000));
  const sunset = response.headers.get('sunset') ?? '';
  expect(sunset).toMatch(IMF_FIXDATE);
  expect(new Date(sunset).getTime()).toBe(sunsetAt.getTime());
  expect(new Date(sunset).getTime()).toBeGreaterThanOrEqual(Number(deprecation.slice(1)) * 1000);
  const rels = links(response.headers.get('link'));
  expect(rels.deprecation).toBe(v1?.docs);
  expect(rels['successor-version']).toBe(path.replace(/^\/api(\/v1)?/, '/api/v2'));
  expect(rels.sunset).toBeDefined();
  expect(response.headers.get('api-version')).toBe('v1');
}

describe('with the real clock', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(undefined, { API_DEFAULT_VERSION: 'v1' });
  });
  afterAll(() => app?.close());
  const call = (path: string, init?: RequestInit) => fetch(`${app.url}${path}`, init);

  it('signals deprecation on every v1 response: collection, item, created, errors, 405, 404', async () => {
    const created = await call('/api/v1/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Dep Recated', email: 'dep@example.com' }),
    });
    expect(created.status).toBe(201);
    expectDeprecationHeaders(created, '/api/v1/users');
    const { id } = await created.json();
    for (const [path, init, status] of [
      ['/api/v1/users', undefined, 200],
      [`/api/v1/users/${id}`, undefined, 200],
      ['/api/v1/users/999999', undefined, 404],
      ['/api/v1/users/abc', undefined, 400],
      [`/api/v1/users/${id}`, { method: 'PUT' }, 405],
      ['/api/v1/nothing', undefined, 404],
    ] as const) {
      const response = await call(path, init);
      expect(response.status).toBe(status);
      expectDeprecationHeaders(response, path);
    }
  });

  it('routes unversioned paths by the API-Version header, with Vary', async () => {
    const response = await call('/api/users', { headers: { 'API-Version': 'v1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('api-version')).toBe('v1');
    expect(response.headers.get('vary')).toContain('API-Version');
    expectDeprecationHeaders(response, '/api/users');
    expect(await response.json()).toEqual(await (await call('/api/v1/users')).json());
  });

  it('uses the configured default when no header is sent', async () => {
    const response = await call('/api/users');
    expect(response.status).toBe(200);
    expect(response.headers.get('api-version')).toBe('v1');
    expect(response.headers.get('vary')).toContain('API-Version');
  });

  it('does not send Vary on versioned paths, where the header does not matter', async () => {
    const response = await call('/api/v1/users', { headers: { 'API-Version': 'v2' } });
    expect(response.headers.get('api-version')).toBe('v1');
    expect(response.headers.get('vary') ?? '').not.toContain('API-Version');
  });

  it.each([
    ['/api/users', { 'API-Version': 'v7' }, 'v7'],
    ['/api/users/1', { 'API-Version': 'latest' }, 'latest'],
    ['/api/v9/users', {}, 'v9'],
  ])(
    'answers an unknown version (%s %j) with 400 listing the supported ones',
    async (path, headers, requested) => {
      const response = await call(path, { headers });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const problem = await response.json();
      expect(problem).toMatchObject({
        type: '/problems/unsupported-version',
        supportedVersions: ['v1', 'v2'],
      });
      expect(problem.detail).toContain(requested);
    },
  );

  it('leads from Link: rel="deprecation" to the v1 docs page, and from there to the migration guide', async () => {
    const response = await call('/api/v1/users/1');
    const page = await call(links(response.headers.get('link')).deprecation ?? '');
    expect(page.status).toBe(200);
    const guidePath = v1?.migrationGuide?.path ?? '';
    expect(await page.text()).toContain(`<a href="${guidePath}">the migration guide</a>`);
    const guide = await call(guidePath);
    expect(guide.status).toBe(200);
    expect(guide.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await guide.text()).toBe(
      readFileSync(new URL(`../../${v1?.migrationGuide?.file}`, import.meta.url), 'utf8'),
    );
  });

  it('adds no version headers outside the API', async () => {
    const response = await call('/health');
    expect(response.headers.get('api-version')).toBeNull();
    expect(response.headers.get('deprecation')).toBeNull();
  });
});

describe('after the sunset date (a test clock)', () => {
  let app: TestApp;
  beforeAll(async () => {
    const afterSunset = new Date(sunsetAt.getTime() + 86_400_000);
    app = await startTestApp(undefined, {}, { clock: () => afterSunset });
  });
  afterAll(() => app?.close());

  it.each([['/api/v1/users'], ['/api/v1/users/1'], ['/api/v1/anything/else']])(
    'answers 410 on %s, pointing at the successor',
    async (path) => {
      const response = await fetch(`${app.url}${path}`, {
        method: path.endsWith('users') ? 'POST' : 'GET',
      });
      expect(response.status).toBe(410);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const successor = path.replace('/api/v1', '/api/v2');
      expect(await response.json()).toMatchObject({
        type: '/problems/version-sunset',
        status: 410,
        successor,
      });
      expect(links(response.headers.get('link'))['successor-version']).toBe(successor);
    },
  );

  it('answers 410 for v1 requested by header too', async () => {
    const response = await fetch(`${app.url}/api/users`, { headers: { 'API-Version': 'v1' } });
    expect(response.status).toBe(410);
  });
});
