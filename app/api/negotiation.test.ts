import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createNegotiator,
  type Negotiated,
  negotiate,
  queryVersions,
  routedPath,
} from './negotiation.ts';

interface Sent {
  header?: string;
  accept?: string;
  fallback?: 'v1' | 'v2';
}

/** Negotiates `target` (path and query) with the given headers. */
function run(target: string, { header, accept, fallback = 'v2' }: Sent = {}) {
  const url = `http://localhost${target}`;
  const headers = new Headers();
  if (header !== undefined) headers.set('API-Version', header);
  if (accept !== undefined) headers.set('Accept', accept);
  return negotiate(new URL(url).pathname, url, headers, fallback);
}

const ok = (version: string, source: string, mediaType?: string) => ({
  ok: true,
  version,
  source,
  ...(mediaType ? { mediaType } : {}),
});
const unsupported = (source: string, sent: string) => ({
  ok: false,
  reason: 'unsupported-version',
  signal: { source, sent },
});
const conflict = (first: [string, string], second: [string, string]) => ({
  ok: false,
  reason: 'conflict',
  signals: [
    { source: first[0], sent: first[1] },
    { source: second[0], sent: second[1] },
  ],
});
const notAcceptable = { ok: false, reason: 'not-acceptable' };

describe('the URL', () => {
  it.each([
    ['/api/v1/users', {}, ok('v1', 'url')],
    ['/api/v2/users/7', { fallback: 'v1' }, ok('v2', 'url')],
    ['/api/v1', {}, ok('v1', 'url')],
    // Nothing else is read on a versioned path: the URL alone names the resource.
    ['/api/v1/users', { header: 'v2' }, ok('v1', 'url')],
    ['/api/v1/users', { header: 'v9' }, ok('v1', 'url')],
    ['/api/v1/users?version=2', {}, ok('v1', 'url')],
    ['/api/v1/users', { accept: 'application/json; version=2' }, ok('v1', 'url')],
    ['/api/v1/users', { accept: 'text/html' }, ok('v1', 'url')],
    ['/api/v9/users', {}, unsupported('url', 'v9')],
    ['/api/v0/users', { header: 'v1' }, unsupported('url', 'v0')],
  ] as const)('%s %j', (target, sent, expected) => {
    expect(run(target, sent)).toEqual(expected);
  });
});

describe('the API-Version header: every spelling of a version, nothing else', () => {
  it.each([
    ['v1', 'v1'],
    ['V1', 'v1'],
    [' v1 ', 'v1'],
    ['1', 'v1'],
    ['2', 'v2'],
    [' 2\t', 'v2'],
    ['V2', 'v2'],
  ])('%j is %s', (header, version) => {
    expect(run('/api/users', { header })).toEqual(ok(version, 'header'));
  });

  it.each([['2.0'], ['v2.0'], ['3'], ['v9'], ['latest'], ['2026-01-01'], ['02'], ['v'], ['-1']])(
    '%j is a version that does not exist',
    (header) => {
      expect(run('/api/users/7', { header })).toEqual(unsupported('header', header));
    },
  );

  it('empty is as good as absent', () => {
    expect(run('/api/users', { header: '' })).toEqual(ok('v2', 'default'));
    expect(run('/api/users', { header: '  ' })).toEqual(ok('v2', 'default'));
  });
});

describe('the version query parameter', () => {
  it.each([
    ['/api/users?version=2', ok('v2', 'query')],
    ['/api/users/7?version=v1', ok('v1', 'query')],
    ['/api/users?limit=5&version=V1&cursor=x', ok('v1', 'query')],
    ['/api/users?version=1&version=v1', ok('v1', 'query')],
    ['/api/users?version=', ok('v2', 'default')],
    ['/api/users?version', ok('v2', 'default')],
    ['/api/users?versions=1&xversion=1', ok('v2', 'default')],
    ['/api/users?version=%32', ok('v2', 'query')],
    ['/api/users?version=+1+', ok('v1', 'query')],
    ['/api/users?version=7', unsupported('query', '7')],
    ['/api/users?version=%ZZ', unsupported('query', '%ZZ')],
    ['/api/users?version=2.0', unsupported('query', '2.0')],
  ] as const)('%s', (target, expected) => {
    expect(run(target)).toEqual(expected);
  });

  it('reads only `version`, and only when the URL has a query', () => {
    expect(queryVersions('http://h/api/users')).toBeUndefined();
    expect(queryVersions('http://h/api/users?limit=2')).toBeUndefined();
    expect(queryVersions('http://h/api/users?version=1&limit=2&version=v2')).toEqual(['1', 'v2']);
  });
});

describe('the Accept header', () => {
  it.each([
    // what nearly every client sends: nothing to choose, the default serves plain JSON
    [undefined, ok('v2', 'default')],
    ['*/*', ok('v2', 'default')],
    ['application/json', ok('v2', 'default')],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', ok('v2', 'default')],
    // a version parameter chooses the version and the response's media type
    ['application/json; version=1', ok('v1', 'media_type', 'application/json')],
    ['application/vnd.api+json; version=1', ok('v1', 'media_type', 'application/vnd.api+json')],
    [
      'application/vnd.myapp+json;version="v1"',
      ok('v1', 'media_type', 'application/vnd.myapp+json'),
    ],
    ['APPLICATION/VND.API+JSON ; VERSION=2', ok('v2', 'media_type', 'application/vnd.api+json')],
    // a vendor type without a version: the default version, answered in that type
    ['application/vnd.myapp+json', ok('v2', 'default', 'application/vnd.myapp+json')],
    // preferences are weighed: the better weight wins, a named version beats "any"
    [
      'application/json;version=1;q=0.4, application/json;version=2;q=0.9',
      ok('v2', 'media_type', 'application/json'),
    ],
    ['application/json, application/json;version=1', ok('v1', 'media_type', 'application/json')],
    ['application/json;version=9, */*;q=0.1', ok('v2', 'default')],
    // the most specific range decides: v2 refused as JSON, so v1 serves
    ['application/json;version=2;q=0, application/json', ok('v1', 'media_type')],
    ['application/json;q=abc', ok('v2', 'default')],
    // nothing the API speaks
    ['text/html', notAcceptable],
    ['application/xml, text/plain;q=0.5', notAcceptable],
    ['application/json;q=0', notAcceptable],
    ['application/json; version=9', notAcceptable],
    ['application/json; version=2.0', notAcceptable],
    ['application/problem+json', notAcceptable],
    [',;,=;', notAcceptable],
  ] as const)('%j', (accept, expected) => {
    expect(run('/api/users/7', accept === undefined ? {} : { accept })).toEqual(expected);
  });

  it('is not read on documentation pages, which are HTML, CSS and scripts', () => {
    expect(run('/api/docs', { accept: 'text/html' })).toEqual(ok('v2', 'default'));
    expect(run('/api/docs/swagger-ui.css', { accept: 'text/css', header: '1' })).toEqual(
      ok('v1', 'header'),
    );
  });
});

describe('precedence: header, then query, then Accept, then the default', () => {
  it.each([
    ['/api/users?version=1', { header: '1' }, ok('v1', 'header')],
    ['/api/users?version=v2', { header: 'V2' }, ok('v2', 'header')],
    [
      '/api/users',
      { header: '1', accept: 'application/json; version=1' },
      ok('v1', 'header', 'application/json'),
    ],
    [
      '/api/users?version=1',
      { accept: 'application/vnd.api+json; version=1' },
      ok('v1', 'query', 'application/vnd.api+json'),
    ],
    // a pinned version wins over the preference Accept would have had, if Accept takes it
    [
      '/api/users',
      { header: '1', accept: 'application/json;version=2, */*;q=0.1' },
      ok('v1', 'header'),
    ],
    [
      '/api/users?version=1',
      { accept: 'application/json;version=2, application/json;q=0.5' },
      ok('v1', 'query'),
    ],
    [
      '/api/users',
      { header: '1', accept: 'application/vnd.myapp+json' },
      ok('v1', 'header', 'application/vnd.myapp+json'),
    ],
    ['/api/users', { header: '2', fallback: 'v1' }, ok('v2', 'header')],
  ] as const)('%s %j', (target, sent, expected) => {
    expect(run(target, sent)).toEqual(expected);
  });
});

describe('every conflicting combination is a 400 naming both', () => {
  it.each([
    ['/api/users?version=2', { header: '1' }, conflict(['header', '1'], ['query', '2'])],
    ['/api/users?version=v1', { header: 'v2' }, conflict(['header', 'v2'], ['query', 'v1'])],
    ['/api/users?version=1&version=2', {}, conflict(['query', '1'], ['query', '2'])],
    [
      '/api/users',
      { header: '1', accept: 'application/json; version=2' },
      conflict(['header', '1'], ['media_type', 'v2']),
    ],
    [
      '/api/users?version=2',
      { accept: 'application/vnd.api+json; version=1' },
      conflict(['query', '2'], ['media_type', 'v1']),
    ],
    [
      '/api/users?version=1',
      { header: '1', accept: 'application/json;version=2' },
      conflict(['header', '1'], ['media_type', 'v2']),
    ],
  ] as const)('%s %j', (target, sent, expected) => {
    expect(run(target, sent)).toEqual(expected);
  });

  it('an unknown version is reported before a conflict, and a pinned one Accept cannot take at all is a 406', () => {
    expect(run('/api/users?version=2', { header: 'v9' })).toEqual(unsupported('header', 'v9'));
    expect(run('/api/users?version=9', { header: '1' })).toEqual(unsupported('query', '9'));
    expect(run('/api/users', { header: '1', accept: 'text/html' })).toEqual(notAcceptable);
    expect(run('/api/users', { header: '1', accept: 'application/json;version=7' })).toEqual(
      notAcceptable,
    );
  });
});

describe('garbage in any slot', () => {
  it('never throws, and either serves a version or says why not', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    fc.assert(
      fc.property(
        fc.oneof(text, fc.constantFrom('1', 'v2', '2.0')),
        fc.oneof(text, fc.constantFrom('application/json;version=1', '*/*;q=0', ';;;q=')),
        fc.oneof(text.map(encodeURIComponent), text, fc.constantFrom('%', '%E0%A4%A', '2')),
        (header, accept, query) => {
          const headers = { get: (name: string) => (name === 'API-Version' ? header : accept) };
          const result = negotiate(
            '/api/users',
            `http://h/api/users?version=${query}`,
            headers,
            'v2',
          );
          expect(result).toBeDefined();
          if (result?.ok) expect(['v1', 'v2']).toContain(result.version);
          else
            expect(['unsupported-version', 'conflict', 'not-acceptable']).toContain(result?.reason);
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([['/health'], ['/ready'], ['/problems/not-found'], ['/'], ['/apix/users'], ['/api']])(
    'leaves %s alone',
    (path) => {
      expect(run(path, { header: 'v1', accept: 'text/html' })).toBeUndefined();
    },
  );
});

describe('routedPath', () => {
  it('routes unversioned paths to the negotiated version and leaves the rest', () => {
    expect(routedPath('/api/users/7', { ok: true, version: 'v1', source: 'header' })).toBe(
      '/api/v1/users/7',
    );
    expect(routedPath('/api/users', { ok: true, version: 'v2', source: 'media_type' })).toBe(
      '/api/v2/users',
    );
    expect(routedPath('/api/v1/users', { ok: true, version: 'v1', source: 'url' })).toBe(
      '/api/v1/users',
    );
    expect(routedPath('/api/users', { ok: false, reason: 'not-acceptable' })).toBe('/api/users');
    expect(routedPath('/health', undefined)).toBe('/health');
  });
});

describe('createNegotiator', () => {
  it('negotiates a request once, however often it is asked', () => {
    const negotiator = createNegotiator('v2', (url) => new URL(url).pathname);
    const request = new Request('http://h/api/users?version=1');
    const first = negotiator(request) as Negotiated;
    expect(first).toEqual(ok('v1', 'query'));
    expect(negotiator(request)).toBe(first);
    expect(negotiator(new Request('http://h/api/users'))).toEqual(ok('v2', 'default'));
  });
});
