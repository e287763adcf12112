// Every generated file (scripts/generated.ts lists them: rules, promtool tests, dashboards, the
// chart's copies and values table, the configuration table, the published OpenAPI documents) is
// what its source says now, and no published API version breaks its clients.
import { expect, it } from 'vitest';
import { generated, staleFiles } from '../scripts/generated.ts';

it('has every generated file current (npm run generate), and no breaking API change', async () => {
  const { files, refusals } = await generated();
  expect(
    refusals,
    'a published version may only grow: put breaking changes in a new version',
  ).toEqual([]);
  expect(files.size).toBeGreaterThan(20);
  expect(await staleFiles(files), 'stale: run npm run generate').toEqual([]);
});
