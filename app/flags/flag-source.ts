// The Unleash SDK, wrapped so that flags never hurt a request:
//
// - Online (UNLEASH_URL): the SDK polls Unleash, starting from the last known definitions — the
//   flags file on a cold start (source/sdk-client.ts).
// - Offline (no UNLEASH_URL): the flags file is the whole truth, read again every refresh
//   interval (source/offline-poller.ts).
// - A refused token is probed every refresh interval until Unleash accepts it, then the client
//   starts afresh (source/token-probe.ts).
// - The state (source/state.ts) says how far the flags served can be trusted; evaluation never
//   throws: any failure answers the flag's fallback with reason `error`.
import type { Context, Unleash, Variant } from 'unleash-client';
import type { Logger } from '../telemetry/logger.ts';
import { readDefinitions } from './definitions.ts';
import { type FetchFailure, fetchFailure } from './fetch-failures.ts';
import { definitionChanges } from './source/definition-changes.ts';
import { evaluateFlag, type SourceEvaluation } from './source/evaluate.ts';
import { pollFlagsFile } from './source/offline-poller.ts';
import { type Repeating, repeat } from './source/repeat.ts';
import { lastKnown, startSdkClient } from './source/sdk-client.ts';
import { initialState, nextState, type SourceEvent, type SourceState } from './source/state.ts';
import { probeToken } from './source/token-probe.ts';

export type { SourceState } from './source/state.ts';

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

export async function createFlagSource(options: FlagSourceOptions): Promise<FlagSource> {
  const { logger } = options;
  const online = options.url !== undefined;
  const store = lastKnown(await readDefinitions(options.file));
  let state = initialState(online);
  let failures = 0;
  let syncedOnce = false;
  const syncWaiters = new Set<() => void>();
  /** The one periodic task: the file poller offline, the token probe while refused online. */
  let task: Repeating | undefined;
  const noticeChanges = definitionChanges((names) => options.onDefinitionsChange?.(names));
  const move = (event: SourceEvent) => {
    state = nextState(online, state, event);
  };
  const taskFailed = (error: unknown) => logger.warn({ err: error }, 'flag client task failed');

  /** `sdk`: the client that synced (events may come before startSdkClient returns). */
  function synced(sdk: Unleash) {
    noticeChanges(sdk.getFeatureToggleDefinitions());
    if (online && state !== 'synced' && state !== 'bootstrap')
      logger.info({ failedFetches: failures }, 'flag client resynchronised with Unleash');
    move('synced');
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
        move('refused');
        task = repeat(options.refreshIntervalMs, probe, taskFailed);
      }
      return;
    }
    if (state !== 'failing' && state !== 'unauthorized') {
      logger.warn(
        { errorType: failure.errorType, status: failure.status, reason: failure.message },
        online
          ? 'flag client cannot fetch flags from Unleash; serving the last known flags'
          : 'flag client cannot read the flags file; serving the last known flags',
      );
    }
    move('failed');
  }

  async function probe() {
    if (state !== 'unauthorized') return;
    const outcome = await probeToken(
      options.url ?? '',
      options.token ?? '',
      Math.min(options.refreshIntervalMs, 10_000),
    );
    if (!outcome.accepted) {
      options.onFetchFailure?.(outcome.failure);
      return;
    }
    logger.info('Unleash accepts the flag client’s API token again; restarting the flag client');
    task?.stop();
    task = undefined;
    move('accepted');
    await client.replace();
  }

  const client = await startSdkClient({
    url: options.url,
    token: options.token,
    appName: options.appName,
    environment: options.environment,
    refreshIntervalMs: options.refreshIntervalMs,
    store,
    listen(unleash) {
      unleash.on('error', (error: unknown) => {
        const failure = fetchFailure('error', error);
        if (failure) failed(failure);
        else logger.warn({ err: error }, 'flag client error');
      });
      unleash.on('warn', (message: unknown) => {
        const failure = fetchFailure('warn', message);
        if (failure) failed(failure);
        else logger.debug({ reason: String(message) }, 'flag client warning');
      });
      // Every `changed` is a fetch from Unleash (the store feeds the SDK without events); 304s
      // arrive as `unchanged`.
      unleash.on('changed', () => synced(unleash));
      unleash.on('unchanged', () => synced(unleash));
    },
  });

  // Online, the SDK's events drive the state; offline, reading the file is the sync.
  if (!online) {
    synced(client.current);
    task = pollFlagsFile(options.file, await store.get(), options.refreshIntervalMs, {
      async changed(definitions) {
        await store.set('', definitions);
        await client.replace();
        logger.info('flags file changed; new definitions in use');
      },
      read: () => synced(client.current),
      failed: (message) => failed({ errorType: 'other', status: undefined, message }),
      error: taskFailed,
    });
  }

  return {
    provider: online ? 'unleash' : 'offline-file',
    get state() {
      return state;
    },
    evaluate: (name, context, fallback) =>
      evaluateFlag(client.current, state, name, context, fallback),
    variant: (name, context) => client.current.getVariant(name, context),
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
      task?.stop();
      // No flush of usage metrics: with Unleash down it would hold the shutdown for the
      // request timeout; losing up to one metrics interval of counts is the lesser harm.
      client.destroy();
    },
  };
}
