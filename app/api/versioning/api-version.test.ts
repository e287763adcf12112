// The versioning middleware in process: a small Hono app routed as createApp routes it (the
// negotiator picks the path the router sees), a clock the test sets, and usage hooks that record
// what they were told. Negotiation's every rule is negotiation.test.ts's part; this file checks
// what the middleware makes of its result: the answers, the headers, the hooks.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestedPath } from '../../http/path.ts';
import { createNegotiator, type NegotiatedVersion, routedPath } from '../negotiation.ts';
import { type ApiVersionId, apiVersions } from '../versions.ts';
import { apiVersioning } from './api-version.ts';

const v1 = apiVersions.find((version) => version.id === 'v1');
if (!v1?.deprecatedAt || !v1.sunsetAt || v1.successor !== 'v2')
  throw new Error('these tests expect v1 to be deprecated, with a sunset date and v2 after it');
const { deprecatedAt, sunsetAt } = v1;

const BEFORE_DEPRECATION = new Date(deprecatedAt.getTime() - 1);
const WHILE_DEPRECATED = new Date(deprecatedAt.getTime() + 1);

interface Options {
  now?: Date;
  fallback?: ApiVersionId;
}

function versioned({ now = WHILE_DEPRECATED, fallback = 'v2' }: Options = {}) {
  const clock = { now };
  const uses: { version: string; source: string; mediaType?: string; path: string }[] = [];
  const deprecatedUses: { version: string; path: string }[] = [];
  const negotiate = createNegotiator(fallback, requestedPath);
  const app = new Hono({
    getPath: (request) => routedPath(requestedPath(request.url), negotiate(request)),
  });
  app.use(
    apiVersioning({
      negotiate,
      clock: () => clock.now,
      onUse: (negotiated, path) => uses.push({ ...negotiated, path }),
      onDeprecatedUse: (version, path) => deprecatedUses.push({ version: version.id, path }),
    }),
  );
  const seen = (c: { get(key: 'apiVersion'): NegotiatedVersion }, version: string) => ({
    routedTo: version,
    negotiated: c.get('apiVersion'),
  });
  app.get('/api/:version/users/:id', (c) => c.json(seen(c, c.req.param('version'))));
  app.patch('/api/:version/users/:id', (c) => c.json(seen(c, c.req.param('version'))));
  app.delete('/api/:version/users/:id', (c) => c.body(null, 204));
  app.post('/api/:version/users', (c) => c.json(seen(c, c.req.param('version')), 201));
  app.get('/api/:version/paged', (c) => {
    c.header('Link', '</api/v1/paged?cursor=x>; rel="next"');
    c.header('Vary', 'Origin');
    return c.json([]);
  });
  app.get('/api/:version/text', (c) => c.text('plain'));
  app.get('/health', (c) => c.text('ok'));
  app.notFound((c) => c.json({ missing: true }, 404));
  const request = (target: string, headers: Record<string, string> = {}, method = 'GET') =>
    app.request(target, { method, headers });
  return { request, uses, deprecatedUses, clock };
}

async function body(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

describe('which version answers', () => {
  it.each([
    ['the URL', '/api/v1/users/1', {}, 'v1', 'url'],
    ['the header', '/api/users/1', { 'API-Version': '1' }, 'v1', 'header'],
    ['the header, v-spelling', '/api/users/1', { 'API-Version': 'v1' }, 'v1', 'header'],
    ['the header, upper case', '/api/users/1', { 'API-Version': 'V1' }, 'v1', 'header'],
    ['the header, bare 2', '/api/users/1', { 'API-Version': '2' }, 'v2', 'header'],
    ['the query', '/api/users/1?version=1', {}, 'v1', 'query'],
    ['the query, v-spelling', '/api/users/1?version=v1', {}, 'v1', 'query'],
    [
      'Accept, plain JSON',
      '/api/users/1',
      { Accept: 'application/json; version=1' },
      'v1',
      'media_type',
    ],
    [
      'Accept, myapp type',
      '/api/users/1',
      { Accept: 'application/vnd.myapp+json; version=1' },
      'v1',
      'media_type',
    ],
    [
      'Accept, api type',
      '/api/users/1',
      { Accept: 'application/vnd.api+json; version=1' },
      'v1',
      'media_type',
    ],
    ['nothing: the default', '/api/users/1', {}, 'v2', 'default'],
  ] as const)('%s', async (_signal, target, headers, version, source) => {
    const { request, uses } = versioned();
    const response = await request(target, headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('API-Version')).toBe(version);
    const answered = await body(response);
    // The handler ran on that version's route and read the same result from the context.
    expect(answered.routedTo).toBe(version);
    expect(answered.negotiated).toMatchObject({ ok: true, version, source });
    expect(uses).toEqual([
      expect.objectContaining({ version, source, path: requestedPath(`http://x${target}`) }),
    ]);
  });

  it('follows the configured default when nothing names a version', async () => {
    const { request, uses } = versioned({ fallback: 'v1' });
    const response = await request('/api/users/1');
    expect(response.headers.get('API-Version')).toBe('v1');
    expect(uses).toEqual([expect.objectContaining({ version: 'v1', source: 'default' })]);
  });

  it.each([
    [
      'the URL over everything',
      '/api/v1/users/1?version=2',
      { 'API-Version': '2', Accept: 'application/json; version=2' },
      'v1',
      'url',
    ],
    [
      'the header over the query it agrees with',
      '/api/users/1?version=v2',
      { 'API-Version': '2' },
      'v2',
      'header',
    ],
    [
      'the header over an Accept that also takes it',
      '/api/users/1',
      { 'API-Version': '1', Accept: 'application/json; version=2, */*;q=0.1' },
      'v1',
      'header',
    ],
    [
      'the query over Accept that also takes it',
      '/api/users/1?version=1',
      { Accept: 'application/json; version=2, application/json;q=0.5' },
      'v1',
      'query',
    ],
    [
      'Accept over the default',
      '/api/users/1',
      { Accept: 'application/vnd.api+json; version=1' },
      'v1',
      'media_type',
    ],
  ] as const)('precedence: %s', async (_rule, target, headers, version, source) => {
    const { request, uses } = versioned();
    const response = await request(target, headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('API-Version')).toBe(version);
    expect(uses).toEqual([expect.objectContaining({ version, source })]);
  });

  it.each([
    [
      'the best weight wins',
      'application/vnd.api+json; version=2; q=0.5, application/vnd.api+json; version=1',
      'v1',
    ],
    [
      'a later, lighter range loses',
      'application/json; version=1, application/json; version=2; q=0.9',
      'v1',
    ],
    ['q=0 refuses a version', 'application/json; version=1; q=0, application/json', 'v2'],
  ])('Accept preference lists: %s', async (_rule, accept, version) => {
    const { request } = versioned();
    const response = await request('/api/users/1', { Accept: accept });
    expect(response.status).toBe(200);
    expect(response.headers.get('API-Version')).toBe(version);
  });

  it('leaves paths outside the API alone: no version, no headers, no hooks', async () => {
    const { request, uses, deprecatedUses } = versioned();
    const response = await request('/health', { 'API-Version': '9', Accept: 'text/html' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    expect(response.headers.get('API-Version')).toBeNull();
    expect(response.headers.get('Vary')).toBeNull();
    expect(uses).toEqual([]);
    expect(deprecatedUses).toEqual([]);
  });
});

describe('refusals', () => {
  it.each([
    [
      '2.0 in the header',
      '/api/users/1',
      { 'API-Version': '2.0' },
      '"2.0" in the API-Version header',
    ],
    [
      'v2.0 in the header',
      '/api/users/1',
      { 'API-Version': 'v2.0' },
      '"v2.0" in the API-Version header',
    ],
    [
      'latest in the query',
      '/api/users/1?version=latest',
      {},
      '"latest" in the version query parameter',
    ],
  ])(
    '%s is a 400 unsupported-version that varies on the signals',
    async (_what, target, headers, named) => {
      const { request, uses } = versioned();
      const response = await request(target, headers);
      expect(response.status).toBe(400);
      expect(response.headers.get('Content-Type')).toBe('application/problem+json');
      expect(response.headers.get('Vary')).toBe('API-Version, Accept');
      expect(response.headers.get('API-Version')).toBeNull();
      const problem = await body(response);
      expect(problem).toMatchObject({
        type: '/problems/unsupported-version',
        status: 400,
        supportedVersions: ['v1', 'v2'],
        instance: '/api/users/1',
      });
      expect(problem.detail).toBe(
        `API version ${named} does not exist; supported versions: v1, v2 (also written 1, 2).`,
      );
      expect(uses).toEqual([]);
    },
  );

  it('an unknown version in the URL is a 400 that varies on nothing', async () => {
    const { request } = versioned();
    const response = await request('/api/v9/users/1', { 'API-Version': '2' });
    expect(response.status).toBe(400);
    expect(response.headers.get('Vary')).toBeNull();
    expect(await body(response)).toMatchObject({
      type: '/problems/unsupported-version',
      detail: expect.stringContaining('"v9" in the URL'),
    });
  });

  it.each([
    [
      'header and query',
      '/api/users/1?version=2',
      { 'API-Version': '1' },
      { header: '1', query: '2' },
    ],
    [
      'header and Accept',
      '/api/users/1',
      { 'API-Version': '1', Accept: 'application/json; version=2' },
      { header: '1', media_type: 'v2' },
    ],
    [
      'query and Accept',
      '/api/users/1?version=1',
      { Accept: 'application/vnd.api+json; version=2' },
      { query: '1', media_type: 'v2' },
    ],
    // Both signals come from the query, so the extension's one key keeps the second only.
    ['query twice', '/api/users/1?version=1&version=2', {}, { query: '2' }],
  ])(
    '%s that disagree are a 400 conflicting-versions problem',
    async (_what, target, headers, conflicting) => {
      const { request, uses } = versioned();
      const response = await request(target, headers);
      expect(response.status).toBe(400);
      expect(response.headers.get('Content-Type')).toBe('application/problem+json');
      expect(response.headers.get('Vary')).toBe('API-Version, Accept');
      const problem = await body(response);
      expect(problem).toMatchObject({ type: '/problems/conflicting-versions', status: 400 });
      expect(problem.conflictingVersions).toEqual(conflicting);
      expect(problem.detail).toMatch(
        /^The request asks for API version ".+" in the .+ but for ".+" in the .+; name one version, or the same in both\.$/,
      );
      expect(uses).toEqual([]);
    },
  );

  it.each([
    ['text/html'],
    ['application/json;q=0'],
    ['application/vnd.api+json; version=9'],
    ['application/xml, text/plain'],
  ])('Accept %j that no version satisfies is a 406', async (accept) => {
    const { request, uses } = versioned();
    const response = await request('/api/users/1', { Accept: accept });
    expect(response.status).toBe(406);
    // Problem documents are sent whatever Accept says (RFC 9110 §15.5.7 allows it).
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    expect(response.headers.get('Vary')).toBe('API-Version, Accept');
    const problem = await body(response);
    expect(problem).toMatchObject({
      type: '/problems/not-acceptable',
      supportedVersions: ['v1', 'v2'],
    });
    expect(problem.detail).toContain('version=1, version=2');
    expect(uses).toEqual([]);
  });

  it('a pinned version that Accept refuses, with no version named there, is a 406', async () => {
    const { request } = versioned();
    const response = await request('/api/users/1', { 'API-Version': '1', Accept: 'text/html' });
    expect(response.status).toBe(406);
  });
});

describe('what the response says', () => {
  it('a versioned path: API-Version only, no Vary and no Content-Location', async () => {
    const { request } = versioned({ now: BEFORE_DEPRECATION });
    const response = await request('/api/v2/users/1', {
      Accept: 'application/vnd.api+json; version=2',
    });
    expect(response.headers.get('API-Version')).toBe('v2');
    expect(response.headers.get('Vary')).toBeNull();
    expect(response.headers.get('Content-Location')).toBeNull();
    // Accept is not read on a versioned path, so it does not choose the media type either.
    expect(response.headers.get('Content-Type')).toBe('application/json');
  });

  it('an unversioned path varies on the header and Accept, and says which URL answered', async () => {
    const { request } = versioned();
    const response = await request('/api/users/7?version=2&fields=name', { 'API-Version': 'v2' });
    expect(response.headers.get('API-Version')).toBe('v2');
    expect(response.headers.get('Vary')).toBe('API-Version, Accept');
    expect(response.headers.get('Content-Location')).toBe('/api/v2/users/7?fields=name');
  });

  it('Content-Location drops every version parameter and keeps a bare path bare', async () => {
    const { request } = versioned();
    const bare = await request('/api/users/7?version=1');
    expect(bare.headers.get('Content-Location')).toBe('/api/v1/users/7');
    const defaulted = await request('/api/users/7');
    expect(defaulted.headers.get('Content-Location')).toBe('/api/v2/users/7');
  });

  it.each([
    ['GET', 200, '/api/v2/users/7'],
    ['HEAD', 200, '/api/v2/users/7'],
    ['PATCH', 200, '/api/v2/users/7'],
    ['DELETE', 204, null],
  ])('Content-Location on a successful %s: %s', async (method, status, location) => {
    const { request } = versioned();
    const response = await request('/api/users/7', {}, method);
    expect(response.status).toBe(status);
    expect(response.headers.get('Content-Location')).toBe(location);
    expect(response.headers.get('Vary')).toBe('API-Version, Accept');
  });

  it('no Content-Location on a POST (its body is the new resource) or on an error', async () => {
    const { request } = versioned();
    const created = await request('/api/users', {}, 'POST');
    expect(created.status).toBe(201);
    expect(created.headers.get('Content-Location')).toBeNull();
    const missing = await request('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('Content-Location')).toBeNull();
    // Errors on unversioned paths still vary and still say which version answered.
    expect(missing.headers.get('Vary')).toBe('API-Version, Accept');
    expect(missing.headers.get('API-Version')).toBe('v2');
  });

  it("adds to the handler's Vary rather than replacing it", async () => {
    const { request } = versioned();
    const response = await request('/api/paged');
    expect(response.headers.get('Vary')).toBe('Origin, API-Version, Accept');
  });

  it.each([
    ['application/vnd.api+json; version=1', 'application/vnd.api+json; version=1'],
    ['application/vnd.myapp+json', 'application/vnd.myapp+json; version=2'],
    ['application/json; version=2', 'application/json; version=2'],
    ['application/json', 'application/json'],
    ['*/*', 'application/json'],
    ['application/*; q=0.5, text/html', 'application/json'],
    // Plain JSON refused as v2: a wildcard takes the vendor type, and the answer says so.
    ['application/json;version=2;q=0, */*', 'application/vnd.myapp+json; version=2'],
  ])('Accept %j answers Content-Type %j', async (accept, contentType) => {
    const { request } = versioned();
    const response = await request('/api/users/1', { Accept: accept });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe(contentType);
  });

  it('leaves a response that is not JSON in its own media type', async () => {
    const { request } = versioned();
    const response = await request('/api/text', {
      Accept: 'application/vnd.api+json; version=2, */*;q=0.1',
    });
    expect(response.headers.get('Content-Type')).toMatch(/^text\/plain/);
  });
});

describe('deprecation and sunset', () => {
  const expectDeprecated = (response: Response, successor: string) => {
    expect(response.headers.get('Deprecation')).toBe(
      `@${Math.floor(deprecatedAt.getTime() / 1000)}`,
    );
    expect(response.headers.get('Sunset')).toBe(sunsetAt.toUTCString());
    expect(response.headers.get('Link')).toBe(
      `<${v1.docs}>; rel="deprecation"; type="text/html", <${successor}>; rel="successor-version", <${v1.docs}#sunset>; rel="sunset"; type="text/html"`,
    );
  };

  it('a deprecated version says so, with its sunset and successor, and tells the hook', async () => {
    const { request, deprecatedUses, uses } = versioned();
    const response = await request('/api/v1/users/1');
    expect(response.status).toBe(200);
    expect(response.headers.get('Sunset')).toBe('Tue, 01 Jun 2027 00:00:00 GMT');
    expectDeprecated(response, '/api/v2/users/1');
    expect(deprecatedUses).toEqual([{ version: 'v1', path: '/api/v1/users/1' }]);
    expect(uses).toEqual([expect.objectContaining({ version: 'v1', source: 'url' })]);
  });

  it('on an unversioned path the successor is the versioned twin, and errors say it too', async () => {
    const { request, deprecatedUses } = versioned();
    const item = await request('/api/users/1', { 'API-Version': '1' });
    expectDeprecated(item, '/api/v2/users/1');
    const missing = await request('/api/nothing-here?version=1');
    expect(missing.status).toBe(404);
    expectDeprecated(missing, '/api/v2/nothing-here');
    expect(deprecatedUses).toEqual([
      { version: 'v1', path: '/api/users/1' },
      { version: 'v1', path: '/api/nothing-here' },
    ]);
  });

  it('reads only a whole /vN segment as the version when naming the successor', async () => {
    const { request } = versioned();
    const response = await request('/api/v1users', { 'API-Version': '1' });
    expect(response.status).toBe(404);
    expectDeprecated(response, '/api/v2/v1users');
  });

  it("keeps the handler's Link (the next page) beside the deprecation links", async () => {
    const { request } = versioned();
    const response = await request('/api/v1/paged');
    const link = response.headers.get('Link') ?? '';
    expect(link.startsWith('</api/v1/paged?cursor=x>; rel="next", ')).toBe(true);
    expect(link).toContain('rel="deprecation"');
  });

  it('the current version carries no deprecation headers and tells no hook', async () => {
    const { request, deprecatedUses } = versioned();
    const response = await request('/api/v2/users/1');
    expect(response.headers.get('Deprecation')).toBeNull();
    expect(response.headers.get('Sunset')).toBeNull();
    expect(response.headers.get('Link')).toBeNull();
    expect(deprecatedUses).toEqual([]);
  });

  it('before its deprecation date v1 is current: the clock decides, not the registry alone', async () => {
    const { request, deprecatedUses } = versioned({ now: BEFORE_DEPRECATION });
    const response = await request('/api/v1/users/1');
    expect(response.status).toBe(200);
    expect(response.headers.get('Deprecation')).toBeNull();
    expect(response.headers.get('Link')).toBeNull();
    expect(deprecatedUses).toEqual([]);
  });

  it('answers until the instant of the sunset, and 410 from then on', async () => {
    const { request, clock } = versioned({ now: new Date(sunsetAt.getTime() - 1) });
    expect((await request('/api/v1/users/1')).status).toBe(200);
    clock.now = sunsetAt;
    expect((await request('/api/v1/users/1')).status).toBe(410);
  });

  it('after the sunset every v1 request is a 410 pointing at its successor; the handler never runs', async () => {
    const { request, uses, deprecatedUses } = versioned({
      now: new Date(sunsetAt.getTime() + 86_400_000),
    });
    const response = await request('/api/v1/users/1', {}, 'PATCH');
    expect(response.status).toBe(410);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    expect(response.headers.get('API-Version')).toBe('v1');
    expect(response.headers.get('Link')).toBe('</api/v2/users/1>; rel="successor-version"');
    expect(response.headers.get('Vary')).toBeNull();
    expect(response.headers.get('Deprecation')).toBeNull();
    expect(await body(response)).toEqual({
      type: '/problems/version-sunset',
      title: 'API version retired',
      status: 410,
      detail: `API v1 was retired on ${sunsetAt.toISOString()}. Use /api/v2/users/1 instead.`,
      instance: '/api/v1/users/1',
      successor: '/api/v2/users/1',
    });
    // A retired version's use is still counted; it is not "deprecated use" any more.
    expect(uses).toEqual([expect.objectContaining({ version: 'v1', source: 'url' })]);
    expect(deprecatedUses).toEqual([]);
  });

  it('after the sunset an unversioned request for v1 is a 410 that varies on the signals', async () => {
    const { request } = versioned({ now: new Date(sunsetAt.getTime() + 1) });
    const response = await request('/api/users/1?version=1&fields=name');
    expect(response.status).toBe(410);
    expect(response.headers.get('Vary')).toBe('API-Version, Accept');
    expect(response.headers.get('Link')).toBe('</api/v2/users/1>; rel="successor-version"');
    // v2 has no sunset: it still answers.
    const current = await request('/api/users/1');
    expect(current.status).toBe(200);
  });
});
