// THE list of feature flags: every flag the code evaluates is named here, typed, so a misspelt
// flag is a compile error rather than a silent fallback. The committed offline file
// (offline-flags.json) and the Unleash seed (`npm run stack`) are checked against / built from
// this list (app/flags/catalog.test.ts).

export interface FlagDefinition {
  /** Unleash's flag type: it drives the UI's lifetime hints and stale-flag reports. */
  readonly type: 'release' | 'experiment' | 'operational' | 'kill-switch' | 'permission';
  readonly description: string;
  /**
   * What evaluation answers when the flag client knows nothing of the flag (a file or an Unleash
   * project without it): the safe value.
   */
  readonly fallback: boolean;
}

export const flagCatalog = {
  new_recommendation_algo: {
    type: 'release',
    description:
      'Serve recommendations from the new algorithm (fresh and diverse) instead of the classic bestsellers; rolled out by a sticky hash of the user id.',
    fallback: false,
  },
} as const satisfies Record<string, FlagDefinition>;

export type FlagName = keyof typeof flagCatalog;

export const flagNames = Object.keys(flagCatalog) as FlagName[];

export function isFlagName(name: string): name is FlagName {
  return Object.hasOwn(flagCatalog, name);
}
