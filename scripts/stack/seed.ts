// Puts the project's flags into an Unleash: every flag of the catalog (app/flags/catalog.ts),
// with the strategies and on/off state of the committed offline file, so the stack starts
// where `npm start` is. Idempotent: a flag that exists is left as the operator set it.
import type { ClientFeaturesResponse } from 'unleash-client';
import { environmentOf, type UnleashAdmin } from '../../app/flags/admin-api.ts';
import { flagCatalog, flagNames } from '../../app/flags/catalog.ts';

export interface SeededFlag {
  name: string;
  created: boolean;
}

export async function seedFlags(
  admin: UnleashAdmin,
  environment: string,
  definitions: ClientFeaturesResponse,
): Promise<SeededFlag[]> {
  const seeded: SeededFlag[] = [];
  for (const name of flagNames) {
    const existing = await admin.feature(name);
    if (existing && (environmentOf(existing, environment)?.strategies.length ?? 0) > 0) {
      seeded.push({ name, created: false });
      continue;
    }
    const { type, description } = flagCatalog[name];
    if (!existing) await admin.createFeature({ name, type, description });
    const offline = definitions.features.find((feature) => feature.name === name);
    // Strategies before enabling: enabling a flag with none adds a 100% rollout.
    for (const strategy of offline?.strategies ?? []) {
      await admin.addStrategy(name, {
        name: strategy.name,
        parameters: Object.fromEntries(
          Object.entries(strategy.parameters ?? {}).map(([key, value]) => [key, String(value)]),
        ),
      });
    }
    if (offline?.enabled && (offline.strategies?.length ?? 0) > 0)
      await admin.setEnabled(name, true);
    seeded.push({ name, created: true });
  }
  return seeded;
}
