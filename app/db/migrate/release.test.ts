import { describe, expect, it } from 'vitest';
import { compareReleases, isOlderRelease, isRelease } from './release.ts';

describe('releases', () => {
  it('orders semantic versions by precedence', () => {
    const ordered = [
      '0.9.0',
      '0.10.0',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '2.0.0',
    ];
    for (let i = 0; i < ordered.length - 1; i++) {
      expect(compareReleases(ordered[i] as string, ordered[i + 1] as string)).toBe(-1);
      expect(compareReleases(ordered[i + 1] as string, ordered[i] as string)).toBe(1);
    }
    expect(compareReleases('1.2.3+build.7', '1.2.3')).toBe(0);
  });

  it('tells versions from other strings, and counts those as older', () => {
    expect(isRelease('1.2.3')).toBe(true);
    expect(isRelease('v1.2.3')).toBe(true);
    expect(compareReleases('v1.2.3', '1.2.3')).toBe(0);
    expect(isRelease('version1.2.3')).toBe(false);
    expect(isRelease('1.2')).toBe(false);
    expect(isRelease('01.2.3')).toBe(false);
    expect(() => compareReleases('dev', '1.0.0')).toThrow(/not a semantic version: dev/);
    expect(isOlderRelease('dev', '0.0.1')).toBe(true);
    expect(isOlderRelease('0.4.0', '0.4.0')).toBe(false);
    expect(isOlderRelease('0.3.9', '0.4.0')).toBe(true);
  });
});
