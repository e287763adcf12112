// Everything telemetry for one app instance, owned by its Deps: the metrics registry, the tracer,
// and the request scope that carries the active span (and the flags a request evaluated) through
// async code. Entries build it from the configuration (app/deps.ts) and shut it down last.
import { AsyncLocalStorage } from 'node:async_hooks';
import { type Context, trace } from '@opentelemetry/api';
import { createQueryObserver, type DbTarget, type QueryObserver } from './db.ts';
import {
  type CatalogMetrics,
  createMetrics,
  type Exposition,
  type RecordingMetrics,
} from './metrics.ts';
import { DROP_REASONS } from './span-export.ts';
import { createTracing, type Tracing, type TracingOptions } from './tracing.ts';

export interface TelemetryOptions {
  build: { version: string; commit: string; colour: string };
  tracing: TracingOptions;
}

export interface FlagEvaluation {
  key: string;
  variant: string;
  /** e.g. `unleash`, `offline-file` (the OTel `feature_flag.provider.name`). */
  provider?: string;
  /** Why this variant: `static`, `targeting_match`, `default`, `error`… */
  reason?: string;
  /** With reason `error`: what went wrong (the OTel `error.type`). */
  errorType?: string;
}

/** What one request carries through its async work. */
export interface RequestScope {
  /** The context holding the request's server span; undefined when tracing is off. */
  readonly context: Context | undefined;
  readonly flagEvaluations: FlagEvaluation[];
}

/** The lifecycle's shape, structurally (telemetry/ imports no other app module). */
interface ObservableLifecycle {
  readonly state: string;
  onChange(listener: (state: string) => void): void;
}

/** What request handling uses: this module's telemetry, or the edge's lighter one (app/edge/). */
export interface RequestTelemetry {
  readonly metrics: RecordingMetrics;
  readonly tracing: Tracing;
  /** Runs `work` with `scope` as the current request's scope. */
  runInRequest<T>(scope: RequestScope, work: () => Promise<T>): Promise<T>;
}

export interface Telemetry extends RequestTelemetry {
  readonly metrics: CatalogMetrics;
  /** The current request's scope, if any. */
  currentRequest(): RequestScope | undefined;
  /** The /metrics body for a scrape that sent this `Accept`. */
  expose(accept: string | undefined): Promise<Exposition>;
  /**
   * Records a feature flag evaluation: counted by flag and variant, added to the request's span
   * as a `feature_flag.evaluation` event, and remembered so the request's duration is also
   * recorded by variant. The flags client calls this for every evaluation.
   */
  recordFlagEvaluation(evaluation: FlagEvaluation): void;
  /** The observer the database client reports its queries to. */
  observeQueries(target: DbTarget): QueryObserver;
  /** Keeps `lifecycle_state` current. */
  trackLifecycle(lifecycle: ObservableLifecycle): void;
  /** Exports the spans still queued, for at most `timeoutMs`. */
  shutdown(timeoutMs?: number): Promise<void>;
}

const LIFECYCLE_STATES = ['starting', 'ready', 'draining', 'stopped'];

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const { metrics, expose } = createMetrics();
  const tracing = createTracing(options.tracing, {
    onExported: (count) => metrics.spansExported.inc(count),
    onDropped: (reason, count) => metrics.spansDropped.inc({ reason }, count),
  });
  const scopes = new AsyncLocalStorage<RequestScope>();
  metrics.buildInfo.set(options.build, 1);
  // Every reason is a series from the start, so a dashboard or an alert sees 0 rather than nothing.
  for (const reason of DROP_REASONS) metrics.spansDropped.inc({ reason }, 0);

  return {
    metrics,
    tracing,
    runInRequest: (scope, work) => scopes.run(scope, work),
    currentRequest: () => scopes.getStore(),
    expose,
    recordFlagEvaluation(evaluation) {
      metrics.featureFlagEvaluations.inc({
        feature_flag_key: evaluation.key,
        feature_flag_result_variant: evaluation.variant,
      });
      const scope = scopes.getStore();
      if (!scope) return;
      scope.flagEvaluations.push(evaluation);
      const span = scope.context && trace.getSpan(scope.context);
      span?.addEvent('feature_flag.evaluation', {
        'feature_flag.key': evaluation.key,
        'feature_flag.result.variant': evaluation.variant,
        ...(evaluation.provider ? { 'feature_flag.provider.name': evaluation.provider } : {}),
        ...(evaluation.reason ? { 'feature_flag.result.reason': evaluation.reason } : {}),
        ...(evaluation.errorType ? { 'error.type': evaluation.errorType } : {}),
      });
    },
    observeQueries: (target) =>
      createQueryObserver(target, tracing.tracer, () => scopes.getStore()?.context, metrics),
    trackLifecycle(lifecycle) {
      const show = (current: string) => {
        for (const state of LIFECYCLE_STATES)
          metrics.lifecycleState.set({ state }, state === current ? 1 : 0);
      };
      show(lifecycle.state);
      lifecycle.onChange(show);
    },
    shutdown: (timeoutMs = 2_000) => tracing.shutdown(timeoutMs),
  };
}
