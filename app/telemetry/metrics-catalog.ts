// THE list of metrics: every name, type, label and bucket the app exposes, and every outside
// metric the alerts and dashboards read. Everything registers from here, and a test fails when a
// dashboard or a rule names a metric that is not in this file (test/observability/catalog.test.ts).
//
// Names follow the OpenTelemetry semantic conventions mapped to Prometheus (dots become
// underscores, the unit becomes a suffix): `http.server.request.duration` with
// `http.request.method` is `http_server_request_duration_seconds{http_request_method}`. The same
// scheme is kept for the app's own metrics, so a name means the same thing scraped or sent over OTLP.
// Every label has a bounded set of values (route TEMPLATES, never raw paths): a scrape's cost and
// Prometheus's memory grow with the number of series.

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
  /** Histograms only: keep the trace id of a recent observation per bucket (OpenMetrics). */
  readonly exemplars?: boolean;
  /** Who observes it, when not the telemetry code itself. */
  readonly producer?: string;
}

/**
 * Request latency buckets. 0.3 s is the latency SLO's threshold (alerts/slos.ts), so it must be a
 * boundary: the SLI counts the `le="0.3"` bucket. The rest bracket it finely enough for p95/p99.
 */
export const HTTP_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5, 10,
] as const;

const DB_DURATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

/** The app's own metrics, registered on every app instance's registry. */
export const appMetrics = {
  httpServerRequestDuration: {
    name: 'http_server_request_duration_seconds',
    type: 'histogram',
    help: 'Duration of HTTP requests, by method, route template (`unmatched` when no route matched) and status.',
    labels: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: HTTP_DURATION_BUCKETS,
    exemplars: true,
  },
  httpServerActiveRequests: {
    name: 'http_server_active_requests',
    type: 'gauge',
    help: 'HTTP requests being served right now.',
    labels: [],
  },
  dbClientOperationDuration: {
    name: 'db_client_operation_duration_seconds',
    type: 'histogram',
    help: 'Duration of database queries, from the call (including the wait for a pooled connection) to the result; error_type is set on failures only.',
    labels: ['db_operation_name', 'db_collection_name', 'error_type'],
    buckets: DB_DURATION_BUCKETS,
  },
  dbClientConnections: {
    // OTel's db.client.connection.count; a `_count` suffix is reserved for histograms here.
    name: 'db_client_connections',
    type: 'gauge',
    help: 'Pooled PostgreSQL connections in use (counted by the app from queries in flight: postgres.js exposes no pool statistics).',
    labels: ['db_client_connection_state'],
  },
  dbClientConnectionMax: {
    name: 'db_client_connection_max',
    type: 'gauge',
    help: 'Most PostgreSQL connections the pool opens (DB_POOL_MAX).',
    labels: [],
  },
  dbClientConnectionPendingRequests: {
    name: 'db_client_connection_pending_requests',
    type: 'gauge',
    help: 'Queries waiting for a pooled connection.',
    labels: [],
  },
  dbClientContention: {
    name: 'db_client_contention_total',
    type: 'counter',
    help: 'Writes PostgreSQL aborted as the loser of a deadlock or a serialization check, by SQLSTATE (40P01, 40001) and what followed: `retried`, or `gave_up` after the last attempt (answered 503).',
    labels: ['db_response_status_code', 'outcome'],
    producer: 'app/db/retry.ts',
  },
  featureFlagEvaluations: {
    name: 'feature_flag_evaluations_total',
    type: 'counter',
    help: 'Feature flag evaluations, by flag and the variant served.',
    labels: ['feature_flag_key', 'feature_flag_result_variant'],
    producer: 'app/flags through Telemetry.recordFlagEvaluation',
  },
  featureFlagRequestDuration: {
    name: 'feature_flag_request_duration_seconds',
    type: 'histogram',
    help: 'Duration of HTTP requests that evaluated a flag, by flag, variant and status: traffic, errors and latency per variant.',
    labels: ['feature_flag_key', 'feature_flag_result_variant', 'http_response_status_code'],
    buckets: HTTP_DURATION_BUCKETS,
    producer:
      'the request telemetry, for every flag recorded through Telemetry.recordFlagEvaluation',
  },
  featureFlagClientLastSync: {
    name: 'feature_flag_client_last_sync_timestamp_seconds',
    type: 'gauge',
    help: 'Unix time of the flag client’s last successful fetch of flag definitions.',
    labels: [],
    producer: 'app/flags',
  },
  featureFlagClientErrors: {
    name: 'feature_flag_client_errors_total',
    type: 'counter',
    help: 'Failed fetches of flag definitions, by error_type (unauthorized, unavailable, other).',
    labels: ['error_type'],
    producer: 'app/flags',
  },
  featureFlagDefinitionChanges: {
    name: 'feature_flag_definition_changes_total',
    type: 'counter',
    help: 'Changes to a flag’s definition (on/off, rollout, strategies, variants) the flag client received from Unleash or the flags file; 0 from startup for every flag in the catalog. The flags dashboard marks each as an annotation.',
    labels: ['feature_flag_key'],
    producer: 'app/flags',
  },
  recommendationFallbacks: {
    name: 'recommendation_fallbacks_total',
    type: 'counter',
    help: 'Recommendation requests whose algorithm failed and that the classic algorithm served instead, by the algorithm that failed and error_type.',
    labels: ['recommendation_algorithm', 'error_type'],
    producer: 'app/recommendations',
  },
  rateLimitStoreErrors: {
    name: 'rate_limit_store_errors_total',
    type: 'counter',
    help: 'Requests let through uncounted because the shared rate-limit store (Redis) failed or was too slow (fail open), by error_type: while it grows, limits are not enforced.',
    labels: ['error_type'],
    producer: 'app/http/rate-limit',
  },
  apiVersionRequests: {
    name: 'api_version_requests_total',
    type: 'counter',
    help: 'API requests by API version, how the version was chosen (api_version_source: url, header, query, media_type, default) and client (a name from API_CLIENT_NAMES, `other` for the rest).',
    labels: ['api_version', 'api_version_source', 'api_client'],
    producer: 'app/api/versioning/api-version-usage.ts',
  },
  apiVersionSunset: {
    name: 'api_version_sunset_timestamp_seconds',
    type: 'gauge',
    help: 'Unix time of the sunset date of each deprecated API version.',
    labels: ['api_version'],
    producer: 'app/api version registry',
  },
  migrationBackfillRowsProcessed: {
    name: 'migration_backfill_rows_processed_total',
    type: 'counter',
    help: 'Rows a backfill has rewritten so far, by migration.',
    labels: ['migration'],
    producer: 'app/db/migrate backfill',
  },
  migrationBackfillRows: {
    name: 'migration_backfill_rows',
    type: 'gauge',
    help: 'Rows a backfill has to rewrite in all (its estimate when it started), by migration.',
    labels: ['migration'],
    producer: 'app/db/migrate backfill',
  },
  nodejsHeapSizeLimit: {
    name: 'nodejs_heap_size_limit_bytes',
    type: 'gauge',
    help: 'The V8 heap’s size limit (what the heap-near-limit alert compares used heap to).',
    labels: [],
  },
  lifecycleState: {
    name: 'lifecycle_state',
    type: 'gauge',
    help: 'The process’s lifecycle state: 1 for the current one (starting, ready, draining, stopped), 0 for the others.',
    labels: ['state'],
  },
  buildInfo: {
    name: 'build_info',
    type: 'gauge',
    help: 'Always 1; the labels say which build serves: version (RELEASE), commit (GIT_COMMIT) and deployment colour (DEPLOYMENT_COLOUR).',
    labels: ['version', 'commit', 'colour'],
  },
  spansExported: {
    name: 'otel_sdk_spans_exported_total',
    type: 'counter',
    help: 'Spans the OTLP exporter delivered.',
    labels: [],
  },
  spansDropped: {
    name: 'otel_sdk_spans_dropped_total',
    type: 'counter',
    help: 'Spans lost instead of exported, by reason: queue_full (the export queue was at OTEL_BSP_MAX_QUEUE_SIZE) or export_failed.',
    labels: ['reason'],
  },
} as const satisfies Record<string, MetricDefinition>;

export type AppMetricKey = keyof typeof appMetrics;

/**
 * prom-client's default Node.js metrics (collectDefaultMetrics), as exposed on Linux: event-loop
 * lag, heap, GC, handles, CPU, memory, file descriptors. Listed so dashboards may use them; a test
 * checks the registry exposes exactly these plus appMetrics.
 */
export const runtimeMetrics = {
  process_cpu_user_seconds_total: 'counter',
  process_cpu_system_seconds_total: 'counter',
  process_cpu_seconds_total: 'counter',
  process_start_time_seconds: 'gauge',
  process_resident_memory_bytes: 'gauge',
  process_virtual_memory_bytes: 'gauge',
  process_heap_bytes: 'gauge',
  process_open_fds: 'gauge',
  process_max_fds: 'gauge',
  nodejs_eventloop_lag_seconds: 'gauge',
  nodejs_eventloop_lag_min_seconds: 'gauge',
  nodejs_eventloop_lag_max_seconds: 'gauge',
  nodejs_eventloop_lag_mean_seconds: 'gauge',
  nodejs_eventloop_lag_stddev_seconds: 'gauge',
  nodejs_eventloop_lag_p50_seconds: 'gauge',
  nodejs_eventloop_lag_p90_seconds: 'gauge',
  nodejs_eventloop_lag_p99_seconds: 'gauge',
  nodejs_active_resources: 'gauge',
  nodejs_active_resources_total: 'gauge',
  nodejs_active_handles: 'gauge',
  nodejs_active_handles_total: 'gauge',
  nodejs_active_requests: 'gauge',
  nodejs_active_requests_total: 'gauge',
  nodejs_heap_size_total_bytes: 'gauge',
  nodejs_heap_size_used_bytes: 'gauge',
  nodejs_external_memory_bytes: 'gauge',
  nodejs_heap_space_size_total_bytes: 'gauge',
  nodejs_heap_space_size_used_bytes: 'gauge',
  nodejs_heap_space_size_available_bytes: 'gauge',
  nodejs_version_info: 'gauge',
  nodejs_gc_duration_seconds: 'histogram',
} as const satisfies Record<string, MetricType>;

/**
 * Metrics other programs expose that the alerts and dashboards read: Prometheus's own `up` and
 * scrape series, kube-state-metrics for pods and Deployments.
 */
const externalMetrics = {
  up: 'Prometheus: 1 when the last scrape of the target succeeded.',
  kube_pod_container_status_restarts_total: 'kube-state-metrics: container restarts.',
  kube_pod_container_status_waiting_reason:
    'kube-state-metrics: 1 while a container waits, by reason (CrashLoopBackOff…).',
  kube_deployment_spec_replicas: 'kube-state-metrics: replicas a Deployment asks for.',
  kube_deployment_status_replicas_updated:
    'kube-state-metrics: replicas already on the Deployment’s current template.',
  kube_deployment_status_replicas_available: 'kube-state-metrics: replicas available.',
  kube_deployment_status_observed_generation:
    'kube-state-metrics: the generation the controller has seen.',
  kube_deployment_metadata_generation: 'kube-state-metrics: the Deployment’s current generation.',
} as const;

/** Every metric name the project may refer to (series names, with histogram suffixes). */
export function knownSeriesNames(): Set<string> {
  const names = new Set<string>(Object.keys(externalMetrics));
  const addHistogram = (name: string) => {
    for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  };
  for (const metric of Object.values(appMetrics) as MetricDefinition[]) {
    if (metric.type === 'histogram') addHistogram(metric.name);
    else names.add(metric.name);
  }
  for (const [name, type] of Object.entries(runtimeMetrics)) {
    if (type === 'histogram') addHistogram(name);
    else names.add(name);
  }
  return names;
}
