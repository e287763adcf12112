// The Unleash SDK client's lifecycle: started from the last known definitions, which our own
// storage provider keeps in memory, and replaced by a fresh client when it must start over (a
// new flags file, a token accepted again).
//
// The SDK's default file backup in the OS temp folder is not used: a stale backup there can serve
// old flags at boot, and the SDK's `bootstrap` option would also emit `changed`, which must mean
// "Unleash answered" for the last-sync gauge to be true.
import { type ClientFeaturesResponse, Unleash } from 'unleash-client';

/** Keeps the last known definitions for the SDK: where it starts from, what it falls back to. */
export function lastKnown(initial: ClientFeaturesResponse) {
  let data = initial;
  return {
    get: async () => data,
    set: async (_key: string, value: ClientFeaturesResponse) => {
      data = value;
    },
  };
}

export interface SdkClientOptions {
  /** Unleash's client API; undefined: offline (no fetching, no usage metrics). */
  url: string | undefined;
  token: string | undefined;
  appName: string;
  environment: string;
  refreshIntervalMs: number;
  store: ReturnType<typeof lastKnown>;
  /** Wires the client's events; called once for every client started. */
  listen(client: Unleash): void;
}

export interface SdkClient {
  readonly current: Unleash;
  /** Starts a fresh client, and destroys the old one once the new one is ready. */
  replace(): Promise<void>;
  destroy(): void;
}

function start(options: SdkClientOptions): Unleash {
  const online = options.url !== undefined;
  const client = new Unleash({
    appName: options.appName,
    environment: options.environment,
    url: options.url ?? 'http://offline.invalid/api/',
    // Offline: no fetching, no usage metrics; the definitions come from the store alone.
    refreshInterval: online ? options.refreshIntervalMs : 0,
    disableMetrics: !online,
    customHeaders: options.token ? { Authorization: options.token } : {},
    storageProvider: options.store,
    // Tests build many apps in one process; each owns its client (no global singleton).
    skipInstanceCountWarning: true,
  });
  options.listen(client);
  return client;
}

// Not events.once: it rejects on an `error` event, and a failed first fetch is no reason to stop
// waiting for the definitions the store already holds.
const ready = (client: Unleash) =>
  new Promise<void>((resolve) => client.once('ready', () => resolve()));

export async function startSdkClient(options: SdkClientOptions): Promise<SdkClient> {
  let current = start(options);
  await ready(current);
  return {
    get current() {
      return current;
    },
    async replace() {
      const next = start(options);
      await ready(next);
      const previous = current;
      current = next;
      previous.destroy();
    },
    destroy: () => current.destroy(),
  };
}
