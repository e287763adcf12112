// The Unleash SDK, wrapped so that flags never hurt a request:
//
// - Online (UNLEASH_URL): the SDK polls Unleash. It starts from the last known definitions —
//   the flags file on a cold start — kept in memory by our storage provider. The SDK's default
//   file backup in the OS temp folder is not used: a stale backup there can serve old flags at
//   boot, and the SDK's `bootstrap` option would also emit `changed`, which must mean "Unleash
//   answered" for the last-sync gauge to be true.
// - Offline (no UNLEASH_URL): the flags file is the whole truth. It is re-read every refresh
//   interval, so an edited file (or a remounted ConfigMap) takes effect without a restart.
// - A 401/403 stops the SDK's polling for good (unleash-node-sdk#390). We then probe Unleash
//   with the token every refresh interval — each refusal is a counted failure, so the alert
//   keeps firing — and start a fresh SDK client as soon as the token is accepted.
// - Evaluation never throws: any failure answers the flag's fallback with reason `error`.
import { type ClientFeaturesResponse, type Context, Unleash, type Variant } from 'unleash-client';
import type { Logger } from '../telemetry/logger.ts';
import { readDefinitions } from './definitions.ts';
import { type FetchFailure, fetchFailure } from './fetch-failures.ts';

/** OpenTelemetry's `feature_flag.result.reason` values this client produces. */
type EvaluationReason =
  | 'default'
  | 'disabled'
  | 'split'
  | 'targeting_match'
  | 'cached'
  | 'stale'
  | 'error';

interface SourceEvaluation {
  enabled: boolean;
  reason: EvaluationReason;
  /** Set when reason is `error`. */
  errorType?: string;
}

/**
 * offline: the file is the truth; bootstrap: online, nothing from Unleash yet; synced: the last
 * fetch succeeded; failing: Unleash does not answer (last known flags served); unauthorized:
 * Unleash refuses the token.
 */
export type SourceState = 'offline' | 'bootstrap' | 'synced' | 'failing' | 'unauthorized';

export interface FlagSourceOptions {
  /** Unleash's client API (`http://host:4242/api/`); undefined: offline. */
  url: string | undefined;
  token: string | undefined;
  appName: string;
  environment: string;
  refreshIntervalMs: number;
  /** The flags file: offline truth, online cold-start bootstrap. */
  file: string | URL;
  logger: Logger;
  /** A successful fetch (online) or read of the file (offline). */
  onSync?: (at: Date) => void;
  /**
   * The flags whose definition (on/off, strategies, variants…) differs from the last sync's:
   * someone changed them in Unleash, or in the flags file. Not called for the first sync.
   */
  onDefinitionsChange?: (names: string[]) => void;
  onFetchFailure?: (failure: FetchFailure) => void;
}

export interface FlagSource {
  readonly provider: 'unleash' | 'offline-file';
  readonly state: SourceState;
  evaluate(name: string, context: Context, fallback: boolean): SourceEvaluation;
  /** The SDK's variant answer (`{name: 'disabled', enabled: false}` when off). */
  variant(name: string, context: Context): Variant;
  /** True once Unleash has answered (at once offline); false if `timeoutMs` passed first. */
  waitForSync(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Keeps the last known definitions for the SDK: where it starts from, what it falls back to. */
function lastKnown(initial: ClientFeaturesResponse) {
  let data = initial;
  return {
    get current() {
      return data;
    },
    provider: {
      get: async () => data,
      set: async (_key: string, value: ClientFeaturesResponse) => {
        data = value;
      },
    },
  };
}

function usesOnlyRollouts(strategies: readonly { name: string }[] | undefined): boolean {
  return (
    (strategies ?? []).length > 0 && (strategies ?? []).every((s) => s.name === 'flexibleRollout')
  );
}

export async function createFlagSource(options: FlagSourceOptions): Promise<FlagSource> {
  const { logger } = options;
  const online = options.url !== undefined;
  let definitions = await readDefinitions(options.file);
  const store = lastKnown(definitions);
  let state: SourceState = online ? 'bootstrap' : 'offline';
  let closed = false;
  let failures = 0;
  let syncedOnce = false;
  const syncWaiters = new Set<() => void>();

  /** Each flag's definition as last synced, as text: what a change is measured against. */
  let lastDefinitions: Map<string, string> | undefined;
  function noticeChanges() {
    const current = new Map(
      client.getFeatureToggleDefinitions().map((flag) => [flag.name, JSON.stringify(flag)]),
    );
    const previous = lastDefinitions;
    lastDefinitions = current;
    if (!previous) return;
    const changed = [...new Set([...previous.keys(), ...current.keys()])].filter(
      (name) => previous.get(name) !== current.get(name),
    );
    if (changed.length > 0) options.onDefinitionsChange?.(changed.sort());
  }

  function synced() {
    noticeChanges();
    if (online && state !== 'synced' && state !== 'bootstrap')
      logger.info({ failedFetches: failures }, 'flag client resynchronised with Unleash');
    state = online ? 'synced' : 'offline';
    failures = 0;
    syncedOnce = true;
    for (const resolve of syncWaiters) resolve();
    syncWaiters.clear();
    options.onSync?.(new Date());
  }

  function failed(failure: FetchFailure) {
    failures++;
    options.onFetchFailure?.(failure);
    if (failure.errorType === 'unauthorized') {
      if (state !== 'unauthorized') {
        logger.error(
          { status: failure.status, url: options.url },
          'Unleash refuses the flag client’s API token (401/403): flags stay at their last known values; probing every refresh interval until the token is accepted',
        );
        state = 'unauthorized';
        probeToken();
      }
      return;
    }
    if (state === 'unauthorized') return;
    if (state !== 'failing') {
      logger.warn(
        { errorType: failure.errorType, status: failure.status, reason: failure.message },
        online
          ? 'flag client cannot fetch flags from Unleash; serving the last known flags'
          : 'flag client cannot read the flags file; serving the last known flags',
      );
    }
    state = 'failing';
  }

  function startClient(): Unleash {
    const client = new Unleash({
      appName: options.appName,
      environment: options.environment,
      url: options.url ?? 'http://offline.invalid/api/',
      // Offline: no fetching, no usage metrics; the definitions come from the store alone.
      refreshInterval: online ? options.refreshIntervalMs : 0,
      disableMetrics: !online,
      customHeaders: options.token ? { Authorization: options.token } : {},
      storageProvider: store.provider,
      // Tests build many apps in one process; each owns its client (no global singleton).
      skipInstanceCountWarning: true,
    });
    client.on('error', (error: unknown) => {
      const failure = fetchFailure('error', error);
      if (failure) failed(failure);
      else logger.warn({ err: error }, 'flag client error');
    });
    client.on('warn', (message: unknown) => {
      const failure = fetchFailure('warn', message);
      if (failure) failed(failure);
      else logger.debug({ reason: String(message) }, 'flag client warning');
    });
    // Every `changed` is a fetch from Unleash (the store feeds the SDK without events); 304s
    // arrive as `unchanged`.
    client.on('changed', synced);
    client.on('unchanged', synced);
    return client;
  }

  // Not events.once: it rejects on an `error` event, and a failed first fetch is no reason to
  // stop waiting for the definitions the store already holds.
  const ready = (unleash: Unleash) =>
    new Promise<void>((resolve) => unleash.once('ready', () => resolve()));

  async function replaceClient(): Promise<void> {
    const next = startClient();
    await ready(next);
    const previous = client;
    client = next;
    previous.destroy();
  }

  let client = startClient();
  await ready(client);

  let timer: NodeJS.Timeout | undefined;
  function every(work: () => Promise<void>) {
    const tick = () => {
      timer = setTimeout(async () => {
        await work().catch((error: unknown) =>
          logger.warn({ err: error }, 'flag client task failed'),
        );
        if (!closed && timer) tick();
      }, options.refreshIntervalMs);
      timer.unref();
    };
    tick();
  }

  function probeToken() {
    every(async () => {
      if (state !== 'unauthorized') return;
      const response = await fetch(new URL('client/features', ensureSlash(options.url ?? '')), {
        headers: { Authorization: options.token ?? '' },
        signal: AbortSignal.timeout(Math.min(options.refreshIntervalMs, 10_000)),
      }).catch((error: unknown) => error as Error);
      if (response instanceof Error) {
        options.onFetchFailure?.({
          errorType: 'unavailable',
          status: undefined,
          message: response.message,
        });
        return;
      }
      await response.body?.cancel();
      if (response.status === 401 || response.status === 403) {
        options.onFetchFailure?.({
          errorType: 'unauthorized',
          status: response.status,
          message: `${options.url} responded ${response.status}`,
        });
        return;
      }
      logger.info('Unleash accepts the flag client’s API token again; restarting the flag client');
      stopTimer();
      state = 'failing';
      await replaceClient();
    });
  }

  function stopTimer() {
    clearTimeout(timer);
    timer = undefined;
  }

  // Online, the SDK's events drive the state; offline, re-reading the file is the sync.
  if (!online) {
    synced();
    let lastText = JSON.stringify(definitions);
    every(async () => {
      try {
        const next = await readDefinitions(options.file);
        const text = JSON.stringify(next);
        if (text !== lastText) {
          definitions = next;
          lastText = text;
          await store.provider.set('', definitions);
          await replaceClient();
          logger.info('flags file changed; new definitions in use');
        }
        synced();
      } catch (error) {
        failed({ errorType: 'other', status: undefined, message: (error as Error).message });
      }
    });
  }

  return {
    provider: online ? 'unleash' : 'offline-file',
    get state() {
      return state;
    },
    evaluate(name, context, fallback) {
      try {
        const definition = client.getFeatureToggleDefinition(name);
        const enabled = client.isEnabled(name, context, fallback);
        if (!definition) return { enabled, reason: 'default' };
        if (!definition.enabled) return { enabled, reason: 'disabled' };
        if (state === 'bootstrap') return { enabled, reason: 'cached' };
        if (state === 'failing' || state === 'unauthorized') return { enabled, reason: 'stale' };
        return {
          enabled,
          reason: usesOnlyRollouts(definition.strategies) ? 'split' : 'targeting_match',
        };
      } catch {
        return { enabled: fallback, reason: 'error', errorType: 'general' };
      }
    },
    variant: (name, context) => client.getVariant(name, context),
    waitForSync(timeoutMs) {
      if (syncedOnce) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timeout);
          resolve(true);
        };
        const timeout = setTimeout(() => {
          syncWaiters.delete(done);
          resolve(false);
        }, timeoutMs);
        syncWaiters.add(done);
      });
    },
    async close() {
      closed = true;
      stopTimer();
      // No flush of usage metrics: with Unleash down it would hold the shutdown for the
      // request timeout; losing up to one metrics interval of counts is the lesser harm.
      client.destroy();
    },
  };
}

function ensureSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
