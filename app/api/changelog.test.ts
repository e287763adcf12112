// The API changelog and the migration guides say what the version registry says: every version
// has a release entry dated as the registry dates it, every deprecation and sunset is written
// with the registry's date, and no other date appears. Edit the registry, and this names the
// documents to change with it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiVersions } from './versions.ts';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const day = (date: Date) => date.toISOString().slice(0, 10);
/** Calendar dates, leaving out the timestamps of examples (`2026-11-01T09:00:00Z`). */
const dates = (text: string) =>
  [...text.matchAll(/\b(\d{4}-\d{2}-\d{2})(?!T)\b/g)].map((m) => m[1]);

const registryDates = new Set(
  apiVersions.flatMap((version) =>
    [version.releasedAt, version.deprecatedAt, version.sunsetAt]
      .filter((date) => date !== undefined)
      .map(day),
  ),
);

describe('docs/api/CHANGELOG.md', () => {
  const changelog = read('docs/api/CHANGELOG.md');

  it('has a release entry for every version, dated from the registry, newest first', () => {
    const entries = [...changelog.matchAll(/^## \[(v\d+)\] - (\d{4}-\d{2}-\d{2})$/gm)].map(
      ([, id, date]) => ({ id, date }),
    );
    expect(entries).toEqual(
      [...apiVersions]
        .reverse()
        .map((version) => ({ id: version.id, date: day(version.releasedAt) })),
    );
  });

  it.each(apiVersions.filter((version) => version.deprecatedAt))(
    'dates the deprecation and the sunset of $id as the registry does',
    (version) => {
      expect(changelog).toContain(
        `${version.id} is deprecated from ${day(version.deprecatedAt as Date)}`,
      );
      if (version.sunsetAt)
        expect(changelog).toContain(`${version.id} is sunset on ${day(version.sunsetAt)}`);
    },
  );

  it('holds no date the registry does not', () => {
    expect(dates(changelog).filter((date) => !registryDates.has(date ?? ''))).toEqual([]);
  });
});

describe.each(apiVersions.filter((version) => version.migrationGuide))(
  'the migration guide from $id',
  (version) => {
    const guide = read(version.migrationGuide?.file ?? '');

    it('states the registry’s deprecation and sunset dates, and no other date', () => {
      expect(guide).toContain(`deprecated since **${day(version.deprecatedAt as Date)}**`);
      if (version.sunsetAt) expect(guide).toContain(`On **${day(version.sunsetAt)}** (its sunset)`);
      expect(dates(guide).filter((date) => !registryDates.has(date ?? ''))).toEqual([]);
    });

    it('is the guide to its successor', () => {
      expect(guide).toMatch(
        new RegExp(`^# Migrating from ${version.id} to ${version.successor}$`, 'm'),
      );
    });
  },
);
