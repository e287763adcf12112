// The prom-client registry of one app instance, with every metric of the catalog registered on
// it (never prom-client's global registry: tests build many apps in one process), and its
// exposition in the format the scraper asks for.
import { getHeapStatistics } from 'node:v8';
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  Registry,
  type RegistryContentType,
} from 'prom-client';
import { type AppMetricKey, appMetrics, type MetricDefinition } from './metrics-catalog.ts';

type Labels<D> = D extends { labels: readonly (infer L extends string)[] } ? L : never;
type MetricOf<D> = D extends { type: 'counter' }
  ? Counter<Labels<D>>
  : D extends { type: 'gauge' }
    ? Gauge<Labels<D>>
    : Histogram<Labels<D>>;

/** The catalog's metrics as typed prom-client objects, by catalog key. */
export type CatalogMetrics = { readonly [K in AppMetricKey]: MetricOf<(typeof appMetrics)[K]> };

/**
 * Only the recording side of each catalog metric (what request handling calls): prom-client's
 * metrics have it, and so do the edge's no-op recorders (recording-metrics.ts), which cannot use
 * prom-client.
 */
type Recording<M> =
  M extends Histogram<infer L>
    ? Pick<Histogram<L>, 'observe'>
    : M extends Gauge<infer L>
      ? Pick<Gauge<L>, 'inc' | 'dec' | 'set'>
      : M extends Counter<infer L>
        ? Pick<Counter<L>, 'inc'>
        : never;

export type RecordingMetrics = { readonly [K in AppMetricKey]: Recording<CatalogMetrics[K]> };

export interface Exposition {
  contentType: string;
  body: string;
}

export interface Metrics {
  readonly registry: Registry<RegistryContentType>;
  readonly metrics: CatalogMetrics;
  /** The exposition for a scrape whose `Accept` header is `accept`. */
  expose(accept: string | undefined): Promise<Exposition>;
}

function register(definition: MetricDefinition, registry: Registry<RegistryContentType>) {
  const common = {
    name: definition.name,
    help: definition.help,
    labelNames: definition.labels as string[],
    registers: [registry],
  };
  if (definition.type === 'counter') return new Counter(common);
  if (definition.type === 'gauge') return new Gauge(common);
  return new Histogram({
    ...common,
    buckets: [...(definition.buckets ?? [])],
    enableExemplars: definition.exemplars ?? false,
  });
}

/** True when the client lists OpenMetrics with a non-zero quality (Prometheus always does). */
export function acceptsOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((range) => {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== 'application/openmetrics-text') return false;
    const quality = parameters.find((parameter) => parameter.startsWith('q='));
    return quality === undefined || Number(quality.slice(2)) > 0;
  });
}

export function createMetrics(): Metrics {
  // Exemplars exist only on an OpenMetrics registry, so the registry starts as one.
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  collectDefaultMetrics({ register: registry });
  const metrics = Object.fromEntries(
    Object.entries(appMetrics).map(([key, definition]) => [key, register(definition, registry)]),
  ) as unknown as CatalogMetrics;
  metrics.nodejsHeapSizeLimit.set(getHeapStatistics().heap_size_limit);

  // prom-client fixes the format per registry, and serialising as OpenMetrics renames counters
  // in place (`x_total` becomes `x`, which the text format would then print without `_total`).
  // So each scrape switches the format, restores the counters' names afterwards, and scrapes run
  // one at a time (they are rare: one every scrape interval).
  const counterNames = new Map(
    registry.getMetricsAsArray().flatMap((metric) => {
      const { name, type } = metric as unknown as { name: string; type: string };
      return type === 'counter' ? [[metric as unknown as { name: string }, name] as const] : [];
    }),
  );
  let previous: Promise<unknown> = Promise.resolve();

  async function serialise(openMetrics: boolean): Promise<Exposition> {
    const contentType = openMetrics
      ? Registry.OPENMETRICS_CONTENT_TYPE
      : Registry.PROMETHEUS_CONTENT_TYPE;
    registry.setContentType(contentType);
    try {
      return { contentType, body: await registry.metrics() };
    } finally {
      for (const [metric, name] of counterNames) metric.name = name;
    }
  }

  return {
    registry,
    metrics,
    expose(accept) {
      const next = previous.then(() => serialise(acceptsOpenMetrics(accept)));
      previous = next.catch(() => {});
      return next;
    },
  };
}
