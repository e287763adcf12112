import { describe, expect, it } from 'vitest';
import { requestedPath } from './path.ts';

describe('requestedPath', () => {
  it.each([
    ['http://host/api/users', '/api/users'],
    ['http://host/api/users?email=ada@example.com', '/api/users'],
    ['https://host:8443/a/b/?x=1&y=/z', '/a/b/'],
    ['http://host', '/'],
    ['http://host?x=1', '/'],
    ['http://host/', '/'],
    ['http://host/%E2%9C%93', '/%E2%9C%93'],
  ])('reads %s as %s', (url, path) => {
    expect(requestedPath(url)).toBe(path);
  });
});
