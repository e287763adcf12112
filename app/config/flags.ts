// The app's flag client: Unleash, the flags file it falls back to, and emergency overrides.
import { z } from 'zod';
import type { Check } from './compose.ts';
import { type ConfigOf, httpUrl, integer, keyValueList, variables } from './variable.ts';

/** `new_recommendation_algo=off,x=on` → { new_recommendation_algo: false, x: true }. */
const flagOverrides = keyValueList(
  /^(?:[\w.-]+=(?:on|off)(?:\s*,\s*[\w.-]+=(?:on|off))*)?$/,
  'new_recommendation_algo=off',
  (state) => state === 'on',
);

export const flags = variables({
  UNLEASH_URL: {
    schema: httpUrl.optional(),
    default: undefined,
    doc: 'Unleash client API, e.g. `http://unleash:4242/api/`. Unset: flags come from `FLAGS_FILE` alone (offline).',
  },
  UNLEASH_API_TOKEN: {
    schema: z.string().trim().min(1, 'expected an Unleash backend token').optional(),
    default: undefined,
    doc: "Unleash backend (client) API token; required with `UNLEASH_URL`. The token, not `UNLEASH_ENVIRONMENT`, decides which Unleash environment's flags the app gets.",
    secret: true,
  },
  UNLEASH_APP_NAME: {
    schema: z.string().trim().min(1, 'expected an application name'),
    default: 'myapp',
    doc: '`appName` the flag client reports to Unleash and puts in every evaluation context.',
  },
  UNLEASH_ENVIRONMENT: {
    schema: z.string().trim().min(1, 'expected an environment name'),
    default: 'development',
    doc: '`environment` of every evaluation context (for constraints), and the Unleash environment whose strategies the rollout guard changes.',
  },
  UNLEASH_REFRESH_INTERVAL_MS: {
    schema: integer(200, 3_600_000),
    default: '15000',
    doc: 'How often the flag client polls Unleash (offline: re-reads `FLAGS_FILE`); a change shows up within this plus about a second.',
  },
  UNLEASH_STARTUP_WAIT_MS: {
    schema: integer(0, 60_000),
    default: '2000',
    doc: "How long startup waits for Unleash's first answer. After it the app serves the last known flags (`FLAGS_FILE` on a cold start) and keeps polling; readiness never depends on Unleash.",
  },
  FLAGS_FILE: {
    schema: z.string().trim().min(1, 'expected a file path').optional(),
    default: undefined,
    doc: "Flag definitions in Unleash's client-features format: the whole truth offline, the cold-start bootstrap online. Unset: the committed `app/flags/offline-flags.json`.",
  },
  FLAG_OVERRIDES: {
    schema: flagOverrides,
    default: '',
    doc: 'Emergency overrides that beat Unleash and the file, e.g. `new_recommendation_algo=off`. Names must be in `app/flags/catalog.ts`.',
  },
});

export type FlagsConfig = ConfigOf<typeof flags>;

export const flagsChecks: readonly Check<FlagsConfig>[] = [
  (config) =>
    config.UNLEASH_URL && !config.UNLEASH_API_TOKEN
      ? 'UNLEASH_API_TOKEN: required when UNLEASH_URL is set (an Unleash backend token)'
      : undefined,
];
