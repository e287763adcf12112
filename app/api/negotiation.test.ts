import { describe, expect, it } from 'vitest';
import { negotiate, routedPath } from './negotiation.ts';

describe('negotiate: URL × header × default × unknown', () => {
  it.each([
    // path, header, default → result
    ['/api/v1/users', null, 'v2', { ok: true, version: 'v1', source: 'url' }],
    ['/api/v2/users/7', null, 'v1', { ok: true, version: 'v2', source: 'url' }],
    ['/api/v1/users', 'v2', 'v2', { ok: true, version: 'v1', source: 'url' }], // the URL wins
    ['/api/v1/users', 'v9', 'v2', { ok: true, version: 'v1', source: 'url' }], // header ignored there
    ['/api/v1', null, 'v2', { ok: true, version: 'v1', source: 'url' }],
    ['/api/users', 'v1', 'v2', { ok: true, version: 'v1', source: 'header' }],
    ['/api/users/7', ' V1 ', 'v2', { ok: true, version: 'v1', source: 'header' }],
    ['/api/users', null, 'v2', { ok: true, version: 'v2', source: 'default' }],
    ['/api/users', '', 'v1', { ok: true, version: 'v1', source: 'default' }],
    ['/api/users', 'v9', 'v2', { ok: false, requested: 'v9', source: 'header' }],
    ['/api/users', '2026-01-01', 'v2', { ok: false, requested: '2026-01-01', source: 'header' }],
    ['/api/v9/users', null, 'v2', { ok: false, requested: 'v9', source: 'url' }],
    ['/api/v0/users', 'v1', 'v2', { ok: false, requested: 'v0', source: 'url' }],
  ] as const)('%s with API-Version %j, default %s', (path, header, fallback, expected) => {
    expect(negotiate(path, header, fallback)).toEqual(expected);
  });

  it.each([['/health'], ['/ready'], ['/problems/not-found'], ['/'], ['/apix/users'], ['/api']])(
    'leaves %s alone',
    (path) => {
      expect(negotiate(path, 'v1', 'v2')).toBeUndefined();
    },
  );
});

describe('routedPath', () => {
  it('routes unversioned paths to the negotiated version and leaves the rest', () => {
    expect(routedPath('/api/users/7', { ok: true, version: 'v1', source: 'header' })).toBe(
      '/api/v1/users/7',
    );
    expect(routedPath('/api/users', { ok: true, version: 'v2', source: 'default' })).toBe(
      '/api/v2/users',
    );
    expect(routedPath('/api/v1/users', { ok: true, version: 'v1', source: 'url' })).toBe(
      '/api/v1/users',
    );
    expect(routedPath('/api/users', { ok: false, requested: 'v9', source: 'header' })).toBe(
      '/api/users',
    );
    expect(routedPath('/health', undefined)).toBe('/health');
  });
});
