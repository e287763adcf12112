// The flags the app evaluates, by their typed names (catalog.ts): the emergency overrides from
// the configuration first, then Unleash (or the offline file). Every evaluation is recorded —
// counted by flag, variant and reason, a `feature_flag.evaluation` event on the request's span,
// and the request's duration by variant — through the telemetry.
import type { FlagsConfig } from '../config/flags.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { CatalogMetrics } from '../telemetry/metrics.ts';
import type { FlagEvaluation } from '../telemetry/telemetry.ts';
import { type FlagName, flagCatalog, flagNames, isFlagName } from './catalog.ts';
import { OFFLINE_FLAGS_FILE } from './definitions.ts';
import { createFlagSource, type SourceState } from './flag-source.ts';

/**
 * What Unleash may target on, taken from the request (stickiness: userId, then sessionId).
 * A type, not an interface: it must fit the SDK's indexable Context.
 */
export type FlagContext = {
  userId?: string;
  sessionId?: string;
  remoteAddress?: string;
};

export interface Flags {
  isEnabled(name: FlagName, context: FlagContext): boolean;
  /** Where the flag values come from right now (logs, tests). */
  readonly state: SourceState;
  /** True once Unleash has answered; false after `timeoutMs` (flags then come from the file). */
  waitForSync(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The part of the telemetry the flags feed (app/telemetry/telemetry.ts satisfies it). */
interface FlagTelemetry {
  readonly metrics: Pick<
    CatalogMetrics,
    'featureFlagClientLastSync' | 'featureFlagClientErrors' | 'featureFlagDefinitionChanges'
  >;
  recordFlagEvaluation(evaluation: FlagEvaluation): void;
}

export class UnknownFlagError extends Error {
  override name = 'UnknownFlagError';
}

/** FLAG_OVERRIDES, checked against the catalog: a misspelt override must not silently do nothing. */
export function checkOverrides(
  overrides: Readonly<Record<string, boolean>>,
): Map<FlagName, boolean> {
  const checked = new Map<FlagName, boolean>();
  for (const [name, value] of Object.entries(overrides)) {
    if (!isFlagName(name))
      throw new UnknownFlagError(
        `FLAG_OVERRIDES names "${name}", which is not a flag; the flags are: ${Object.keys(flagCatalog).join(', ')}`,
      );
    checked.set(name, value);
  }
  return checked;
}

export interface FlagsDeps {
  config: Pick<
    FlagsConfig,
    | 'UNLEASH_URL'
    | 'UNLEASH_API_TOKEN'
    | 'UNLEASH_APP_NAME'
    | 'UNLEASH_ENVIRONMENT'
    | 'UNLEASH_REFRESH_INTERVAL_MS'
    | 'FLAGS_FILE'
    | 'FLAG_OVERRIDES'
  >;
  logger: Logger;
  telemetry: FlagTelemetry;
}

export async function createFlags({ config, logger, telemetry }: FlagsDeps): Promise<Flags> {
  const overrides = checkOverrides(config.FLAG_OVERRIDES);
  const log = logger.child({ component: 'flags' });
  const { featureFlagDefinitionChanges } = telemetry.metrics;
  // Every catalog flag is a series from the start: a first change must count as an increase.
  for (const name of flagNames) featureFlagDefinitionChanges.inc({ feature_flag_key: name }, 0);
  const source = await createFlagSource({
    url: config.UNLEASH_URL,
    token: config.UNLEASH_API_TOKEN,
    appName: config.UNLEASH_APP_NAME,
    environment: config.UNLEASH_ENVIRONMENT,
    refreshIntervalMs: config.UNLEASH_REFRESH_INTERVAL_MS,
    file: config.FLAGS_FILE ?? OFFLINE_FLAGS_FILE,
    logger: log,
    onSync: (at) => telemetry.metrics.featureFlagClientLastSync.set(at.getTime() / 1000),
    onFetchFailure: (failure) =>
      telemetry.metrics.featureFlagClientErrors.inc({ error_type: failure.errorType }),
    onDefinitionsChange(names) {
      log.info({ flags: names }, 'flag definitions changed');
      // Flags outside the catalog are logged but not counted: the label stays bounded.
      for (const name of names.filter(isFlagName))
        featureFlagDefinitionChanges.inc({ feature_flag_key: name });
    },
  });
  if (overrides.size > 0)
    log.warn(
      { overrides: Object.fromEntries(overrides) },
      'emergency flag overrides active (FLAG_OVERRIDES): they beat Unleash',
    );
  log.info({ provider: source.provider, url: config.UNLEASH_URL }, 'flag client started');

  return {
    isEnabled(name, context) {
      const override = overrides.get(name);
      const result =
        override === undefined
          ? source.evaluate(name, context, flagCatalog[name].fallback)
          : { enabled: override, reason: 'static' as const };
      telemetry.recordFlagEvaluation({
        key: name,
        // Boolean flags report `on`/`off`: two values, so the variant label stays bounded.
        variant: result.enabled ? 'on' : 'off',
        provider: source.provider,
        reason: result.reason,
        ...('errorType' in result && result.errorType ? { errorType: result.errorType } : {}),
      });
      return result.enabled;
    },
    get state() {
      return source.state;
    },
    waitForSync: (timeoutMs) => source.waitForSync(timeoutMs),
    close: () => source.close(),
  };
}
