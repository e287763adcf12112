// Unleash's cross-SDK conformance suite (@unleash/client-specification), run through the
// project's flag client offline: each state file becomes the flags file, and every expected
// result must come out. Files 19 and 20 describe the delta protocol (event streams), which is
// not a state a flags file can hold. Costs about two seconds.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import specIndex from '@unleash/client-specification/specifications/index.json' with {
  type: 'json',
};
import type { ClientFeaturesResponse, Context } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineFlagSource } from '../../test/support/flags.ts';
import type { FlagSource } from './flag-source.ts';

interface SpecFile {
  name: string;
  state: ClientFeaturesResponse & { events?: unknown };
  tests?: { description: string; context: Context; toggleName: string; expectedResult: boolean }[];
  variantTests?: {
    description: string;
    context: Context;
    toggleName: string;
    expectedResult: Record<string, unknown>;
  }[];
}

const INDEX = '@unleash/client-specification/specifications/index.json';
const specDir = dirname(fileURLToPath(import.meta.resolve(INDEX)));
const files = specIndex as string[];
const DELTA_FORMAT = new Set(['19-delta-api-hydration.json', '20-delta-api-events.json']);
const stateFiles = files.filter((file) => !DELTA_FORMAT.has(file));

it('runs 20 of the suite’s 22 files (the other two are delta-protocol streams)', () => {
  expect(files).toHaveLength(22);
  expect(stateFiles).toHaveLength(20);
});

describe.each(stateFiles)('%s', (file) => {
  const spec = JSON.parse(readFileSync(join(specDir, file), 'utf8')) as SpecFile;
  let flags: FlagSource;
  // The SDK's own defaults for the static context: the suite's expectations assume them.
  beforeAll(async () => {
    flags = await offlineFlagSource(spec.state, { environment: 'default', appName: 'spec' });
  });
  afterAll(() => flags.close());

  for (const test of spec.tests ?? []) {
    it(test.description, () => {
      expect(flags.evaluate(test.toggleName, test.context, false).enabled).toBe(
        test.expectedResult,
      );
    });
  }
  for (const test of spec.variantTests ?? []) {
    it(test.description, () => {
      const { name, enabled, payload, feature_enabled } = flags.variant(
        test.toggleName,
        test.context,
      );
      expect({ name, enabled, feature_enabled, ...(payload ? { payload } : {}) }).toEqual(
        test.expectedResult,
      );
    });
  }
});
