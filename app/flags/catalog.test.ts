// One source of truth for flag names: the committed offline file defines exactly the flags of
// the catalog, with their types, and every flag is safe (off) when its definition is missing.
import { describe, expect, it } from 'vitest';
import { flagCatalog, flagNames } from './catalog.ts';
import { OFFLINE_FLAGS_FILE, readDefinitions } from './definitions.ts';

describe('the flag catalog', () => {
  it('and the offline flags file name the same flags, with the same types', async () => {
    const file = await readDefinitions(OFFLINE_FLAGS_FILE);
    expect(file.features.map((feature) => feature.name).sort()).toEqual([...flagNames].sort());
    for (const feature of file.features) {
      const definition = flagCatalog[feature.name as keyof typeof flagCatalog];
      expect(feature.type, feature.name).toBe(definition.type);
      expect(feature.description, feature.name).toBe(definition.description);
    }
  });

  it('ships new_recommendation_algo at 0%: a cold start never rolls out more than Unleash says', async () => {
    const file = await readDefinitions(OFFLINE_FLAGS_FILE);
    const flag = file.features.find((feature) => feature.name === 'new_recommendation_algo');
    expect(flag?.strategies).toEqual([
      expect.objectContaining({
        name: 'flexibleRollout',
        parameters: { rollout: '0', stickiness: 'default', groupId: 'new_recommendation_algo' },
      }),
    ]);
    expect(flagCatalog.new_recommendation_algo.fallback).toBe(false);
  });
});
