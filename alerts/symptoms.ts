// Hand-written symptom alerts — what users or operators would notice, never causes such as CPU —
// each with its promtool unit tests on both sides of its threshold. `npm run generate` writes them
// to alerts/rules/symptoms.rules.yaml and alerts/tests/symptoms.test.yaml.
import type { dashboardUids } from '../grafana/src/uids.ts';
import { JOB } from './slos.ts';

/** The chart names Deployments `myapp` or `myapp-<colour>` (blue-green). */
const DEPLOYMENT = 'deployment=~"myapp(-.+)?"';
/** The app's container name in the chart's pods. */
const CONTAINER = 'container="myapp"';

interface AlertTest {
  /** What the case shows, e.g. "fires when…" (a comment in the generated file). */
  name: string;
  evalTime: string;
  /** promtool input series: series selector → values in expanding notation, 1m apart. */
  series: Record<string, string>;
  /** Label sets of the alerts expected to fire (rule labels are added); empty: none fires. */
  firing: Record<string, string>[];
}

export interface SymptomAlert {
  alert: string;
  expr: string;
  for: string;
  severity: 'critical' | 'warning' | 'info';
  summary: string;
  /** May use `{{ $labels.name }}`; not `$value` (tests must know the text exactly). */
  description: string;
  dashboard: keyof typeof dashboardUids;
  tests: AlertTest[];
}

const upSeries = (down: number, total: number) =>
  Object.fromEntries(
    Array.from({ length: total }, (_, index) => [
      `up{job="${JOB}",namespace="prod",instance="10.0.0.${index}:9464"}`,
      index < down ? '0x30' : '1x30',
    ]),
  );

/** Requests of a flagged route by variant: `errorsPerMinute` 5xx out of 100 a minute. */
const variantSeries = (variant: string, errorsPerMinute: number) => {
  const series = (status: string) =>
    `feature_flag_request_duration_seconds_count{job="${JOB}",instance="a",feature_flag_key="new_recommendation_algo",feature_flag_result_variant="${variant}",http_response_status_code="${status}"}`;
  return {
    [series('500')]: `0+${errorsPerMinute * 60}x120`,
    [series('200')]: `0+${(100 - errorsPerMinute) * 60}x120`,
  };
};

/** The error ratio of one flag variant over `window`, from the per-variant request metric. */
const variantErrorRatio = (window: string) =>
  `(sum by (job, feature_flag_key, feature_flag_result_variant) (rate(feature_flag_request_duration_seconds_count{job="${JOB}",http_response_status_code=~"5.."}[${window}]))\n` +
  ` / sum by (job, feature_flag_key, feature_flag_result_variant) (rate(feature_flag_request_duration_seconds_count{job="${JOB}"}[${window}])))`;

/** The share of finished spans dropped instead of exported, per instance, over `window`. */
const spanShareDropped = (window: string) => {
  const dropped = `sum by (job, instance) (rate(otel_sdk_spans_dropped_total{job="${JOB}"}[${window}]))`;
  const exported = `sum by (job, instance) (rate(otel_sdk_spans_exported_total{job="${JOB}"}[${window}]))`;
  return `${dropped}\n/ (${exported} + ${dropped})`;
};

/** Spans exported and dropped (queue full) a minute by one instance. */
const spanSeries = ({ exported, dropped }: { exported: number; dropped: number }) => ({
  [`otel_sdk_spans_exported_total{job="${JOB}",instance="a"}`]: `0+${exported}x60`,
  [`otel_sdk_spans_dropped_total{job="${JOB}",instance="a",reason="queue_full"}`]: `0+${dropped}x60`,
  [`otel_sdk_spans_dropped_total{job="${JOB}",instance="a",reason="export_failed"}`]: '0x60',
});

/** Requests answered a minute by one instance: `limited` of them 429, the rest 200. */
const statusSeries = ({ limited, total }: { limited: number; total: number }) => ({
  [`http_server_request_duration_seconds_count{job="${JOB}",namespace="prod",instance="a",http_route="/api/v1/users",http_response_status_code="429"}`]: `0+${limited}x60`,
  [`http_server_request_duration_seconds_count{job="${JOB}",namespace="prod",instance="a",http_route="/api/v1/users",http_response_status_code="200"}`]: `0+${total - limited}x60`,
});

/** The share of requests answered 429 over `window`, per job and namespace. */
const rateLimitedRatio = (window: string) =>
  `sum by (job, namespace) (rate(http_server_request_duration_seconds_count{job="${JOB}",http_response_status_code="429"}[${window}]))\n` +
  `/ sum by (job, namespace) (rate(http_server_request_duration_seconds_count{job="${JOB}"}[${window}]))`;

export const symptomAlerts: SymptomAlert[] = [
  {
    alert: 'MyappTargetDown',
    expr: `100 * (count by (job, namespace) (up{job="${JOB}"} == 0) / count by (job, namespace) (up{job="${JOB}"})) > 10`,
    for: '10m',
    severity: 'warning',
    summary: 'More than 10% of the myapp targets cannot be scraped.',
    description:
      'Prometheus fails to scrape over 10% of the myapp pods in {{ $labels.namespace }}: they are down, hung, or their metrics port is unreachable.',
    dashboard: 'rollout',
    tests: [
      {
        name: 'fires when 1 of 9 targets (11%) is down',
        evalTime: '20m',
        series: upSeries(1, 9),
        firing: [{ job: JOB, namespace: 'prod' }],
      },
      {
        name: 'stays quiet when 1 of 11 targets (9%) is down',
        evalTime: '20m',
        series: upSeries(1, 11),
        firing: [],
      },
    ],
  },
  {
    alert: 'MyappMetricsAbsent',
    expr: `absent(up{job="${JOB}"} == 1)`,
    for: '10m',
    severity: 'critical',
    summary: 'No myapp target has been scraped successfully for 10 minutes.',
    description:
      'Either every myapp pod is down or Prometheus no longer discovers them (ServiceMonitor selector, `release` label, network policy). Without metrics, every other alert is blind.',
    dashboard: 'rollout',
    tests: [
      {
        name: 'fires when the only target is down',
        evalTime: '20m',
        series: upSeries(1, 1),
        // absent() of a filtered expression has no labels to copy.
        firing: [{}],
      },
      {
        name: 'stays quiet while one target is up',
        evalTime: '20m',
        series: upSeries(1, 2),
        firing: [],
      },
    ],
  },
  {
    alert: 'MyappPodCrashLooping',
    expr: `max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff",${CONTAINER}}[5m]) >= 1`,
    for: '15m',
    severity: 'warning',
    summary: 'A myapp container is crash looping.',
    description:
      'Pod {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes: it starts, fails and is restarted over and over.',
    dashboard: 'rollout',
    tests: [
      {
        name: 'fires when a container waits in CrashLoopBackOff',
        evalTime: '25m',
        series: {
          'kube_pod_container_status_waiting_reason{namespace="prod",pod="myapp-blue-1",container="myapp",reason="CrashLoopBackOff"}':
            '1x30',
        },
        firing: [
          {
            namespace: 'prod',
            pod: 'myapp-blue-1',
            container: 'myapp',
            reason: 'CrashLoopBackOff',
          },
        ],
      },
      {
        name: 'stays quiet when no container waits in CrashLoopBackOff',
        evalTime: '25m',
        series: {
          'kube_pod_container_status_waiting_reason{namespace="prod",pod="myapp-blue-1",container="myapp",reason="CrashLoopBackOff"}':
            '0x30',
        },
        firing: [],
      },
    ],
  },
  {
    alert: 'MyappRolloutStuck',
    expr:
      `(kube_deployment_spec_replicas{${DEPLOYMENT}} > kube_deployment_status_replicas_available{${DEPLOYMENT}})\n` +
      `and\n(changes(kube_deployment_status_replicas_updated{${DEPLOYMENT}}[10m]) == 0)`,
    for: '15m',
    severity: 'warning',
    summary: 'A myapp rollout has stopped making progress.',
    description:
      'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has had fewer available replicas than it asks for, with no replica updated, for 15 minutes: new pods are not becoming ready.',
    dashboard: 'rollout',
    tests: [
      {
        name: 'fires when 2 of 3 replicas are available and nothing moves',
        evalTime: '30m',
        series: {
          'kube_deployment_spec_replicas{namespace="prod",deployment="myapp-green"}': '3x40',
          'kube_deployment_status_replicas_available{namespace="prod",deployment="myapp-green"}':
            '2x40',
          'kube_deployment_status_replicas_updated{namespace="prod",deployment="myapp-green"}':
            '1x40',
        },
        firing: [{ namespace: 'prod', deployment: 'myapp-green' }],
      },
      {
        name: 'stays quiet when all 3 replicas are available',
        evalTime: '30m',
        series: {
          'kube_deployment_spec_replicas{namespace="prod",deployment="myapp-green"}': '3x40',
          'kube_deployment_status_replicas_available{namespace="prod",deployment="myapp-green"}':
            '3x40',
          'kube_deployment_status_replicas_updated{namespace="prod",deployment="myapp-green"}':
            '3x40',
        },
        firing: [],
      },
    ],
  },
  {
    alert: 'MyappEventLoopLagHigh',
    expr: `max by (job, instance) (nodejs_eventloop_lag_p99_seconds{job="${JOB}"}) > 0.2`,
    for: '10m',
    severity: 'warning',
    summary: 'The myapp event loop is lagging.',
    description:
      'On {{ $labels.instance }} the 99th percentile of event-loop delay has stayed above 200 ms for 10 minutes: every request on that pod waits that long before it even starts.',
    dashboard: 'runtime',
    tests: [
      {
        name: 'fires at 300 ms of lag',
        evalTime: '15m',
        series: { [`nodejs_eventloop_lag_p99_seconds{job="${JOB}",instance="a"}`]: '0.3x20' },
        firing: [{ job: JOB, instance: 'a' }],
      },
      {
        name: 'stays quiet at 150 ms of lag',
        evalTime: '15m',
        series: { [`nodejs_eventloop_lag_p99_seconds{job="${JOB}",instance="a"}`]: '0.15x20' },
        firing: [],
      },
    ],
  },
  {
    alert: 'MyappHeapNearLimit',
    expr: `max by (job, instance) (nodejs_heap_size_used_bytes{job="${JOB}"} / nodejs_heap_size_limit_bytes{job="${JOB}"}) > 0.9`,
    for: '15m',
    severity: 'warning',
    summary: 'The myapp V8 heap is close to its limit.',
    description:
      'On {{ $labels.instance }} the JavaScript heap has used over 90% of its limit for 15 minutes: the process will soon spend its time in garbage collection, then die out of memory.',
    dashboard: 'runtime',
    tests: [
      {
        name: 'fires at 95% of the heap limit',
        evalTime: '20m',
        series: {
          [`nodejs_heap_size_used_bytes{job="${JOB}",instance="a"}`]: '950x30',
          [`nodejs_heap_size_limit_bytes{job="${JOB}",instance="a"}`]: '1000x30',
        },
        firing: [{ job: JOB, instance: 'a' }],
      },
      {
        name: 'stays quiet at 85% of the heap limit',
        evalTime: '20m',
        series: {
          [`nodejs_heap_size_used_bytes{job="${JOB}",instance="a"}`]: '850x30',
          [`nodejs_heap_size_limit_bytes{job="${JOB}",instance="a"}`]: '1000x30',
        },
        firing: [],
      },
    ],
  },
  {
    alert: 'MyappFlagClientStale',
    expr: `time() - max by (job, instance) (feature_flag_client_last_sync_timestamp_seconds{job="${JOB}"}) > 300`,
    for: '5m',
    severity: 'warning',
    summary: 'The myapp flag client has not synchronised with Unleash for 5 minutes.',
    description:
      '{{ $labels.instance }} serves feature flags from definitions more than 5 minutes old: changes made in Unleash do not reach it.',
    dashboard: 'flags',
    tests: [
      {
        name: 'fires when the last sync stays at t=60s',
        evalTime: '20m',
        series: {
          [`feature_flag_client_last_sync_timestamp_seconds{job="${JOB}",instance="a"}`]: '60x30',
        },
        firing: [{ job: JOB, instance: 'a' }],
      },
      {
        name: 'stays quiet while it syncs every 15 s (4 minutes behind at most)',
        evalTime: '20m',
        series: {
          [`feature_flag_client_last_sync_timestamp_seconds{job="${JOB}",instance="a"}`]:
            '-180+60x30',
        },
        firing: [],
      },
    ],
  },
  {
    alert: 'MyappFlagClientUnauthorized',
    expr: `sum by (job, instance) (increase(feature_flag_client_errors_total{job="${JOB}",error_type="unauthorized"}[5m])) > 0`,
    for: '5m',
    severity: 'warning',
    summary: 'Unleash refuses the myapp flag client’s token.',
    description:
      'Unleash answers 401/403 to {{ $labels.instance }}: the API token is wrong, expired or lacks the environment. Flags stay at their last known or default values.',
    dashboard: 'flags',
    tests: [
      {
        name: 'fires while fetches are refused',
        evalTime: '20m',
        series: {
          [`feature_flag_client_errors_total{job="${JOB}",instance="a",error_type="unauthorized"}`]:
            '0+1x30',
        },
        firing: [{ job: JOB, instance: 'a' }],
      },
      {
        name: 'stays quiet once fetches are accepted (the counter stops)',
        evalTime: '20m',
        series: {
          [`feature_flag_client_errors_total{job="${JOB}",instance="a",error_type="unauthorized"}`]:
            '3x30',
        },
        firing: [],
      },
    ],
  },
  {
    alert: 'MyappTraceSpansDropped',
    expr: `${spanShareDropped('15m')} > 0.05`,
    for: '15m',
    severity: 'warning',
    summary: 'myapp loses more than 5% of its trace spans.',
    description:
      '{{ $labels.instance }} drops spans instead of exporting them: the OTLP collector is down, slow or refusing them, or the export queue is too small for the traffic. Requests are not affected; their traces are incomplete.',
    dashboard: 'runtime',
    tests: [
      {
        name: 'fires when 10% of spans are dropped',
        evalTime: '40m',
        series: spanSeries({ exported: 90, dropped: 10 }),
        firing: [{ job: JOB, instance: 'a' }],
      },
      {
        name: 'stays quiet when 2% of spans are dropped',
        evalTime: '40m',
        series: spanSeries({ exported: 98, dropped: 2 }),
        firing: [],
      },
      {
        name: 'stays quiet while tracing exports nothing (tracing off)',
        evalTime: '40m',
        series: spanSeries({ exported: 0, dropped: 0 }),
        firing: [],
      },
    ],
  },
  {
    // The rollout guard (app/flags/guard) listens for this one and steps the flag's rollout down.
    // The page-level fast burn of the availability SLO (14.4 × a 0.1% budget over 1h and 5m),
    // computed per flag variant so a bad new variant is caught while the rest still looks fine.
    alert: 'MyappFlagVariantErrorBudgetBurn',
    expr: `${variantErrorRatio('5m')} > 14.4 * 0.001\nand\n${variantErrorRatio('1h')} > 14.4 * 0.001`,
    for: '2m',
    severity: 'critical',
    summary: 'One feature-flag variant burns the error budget 14 times too fast.',
    description:
      'Requests served by variant {{ $labels.feature_flag_result_variant }} of flag {{ $labels.feature_flag_key }} fail with 5xx far above the SLO. The rollout guard steps the rollout down; check the flags dashboard.',
    dashboard: 'flags',
    tests: [
      {
        name: 'fires when the new variant fails 5% of its requests',
        evalTime: '90m',
        series: { ...variantSeries('on', 5), ...variantSeries('off', 0) },
        firing: [
          {
            job: JOB,
            feature_flag_key: 'new_recommendation_algo',
            feature_flag_result_variant: 'on',
          },
        ],
      },
      {
        name: 'stays quiet at 1% errors (below 14.4 × 0.1%)',
        evalTime: '90m',
        series: { ...variantSeries('on', 1), ...variantSeries('off', 0) },
        firing: [],
      },
    ],
  },
  {
    alert: 'MyappDeprecatedApiVersionNearSunset',
    expr:
      `sum by (api_version) (rate(api_version_requests_total{job="${JOB}"}[1h])) > 0\n` +
      `and on (api_version)\n` +
      `(min by (api_version) (api_version_sunset_timestamp_seconds{job="${JOB}"}) - time()) < 30 * 86400`,
    for: '1h',
    severity: 'info',
    summary: 'A deprecated API version is still used less than 30 days before its sunset.',
    description:
      'Clients still call API {{ $labels.api_version }}, which stops answering in under 30 days. Find them on the API versions dashboard and tell them to move.',
    dashboard: 'apiVersions',
    tests: [
      {
        name: 'fires with traffic 29 days before the sunset',
        evalTime: '2h',
        series: {
          [`api_version_requests_total{job="${JOB}",instance="a",api_version="v1",api_client="other"}`]:
            '0+10x150',
          [`api_version_sunset_timestamp_seconds{job="${JOB}",instance="a",api_version="v1"}`]: `${29 * 86400}x150`,
        },
        firing: [{ api_version: 'v1' }],
      },
      {
        name: 'stays quiet with traffic 31 days before the sunset',
        evalTime: '2h',
        series: {
          [`api_version_requests_total{job="${JOB}",instance="a",api_version="v1",api_client="other"}`]:
            '0+10x150',
          [`api_version_sunset_timestamp_seconds{job="${JOB}",instance="a",api_version="v1"}`]: `${31 * 86400}x150`,
        },
        firing: [],
      },
    ],
  },
  {
    alert: 'MyappRateLimitStoreFailing',
    expr: `sum by (job, namespace) (rate(rate_limit_store_errors_total{job="${JOB}"}[5m])) > 0`,
    for: '10m',
    severity: 'warning',
    summary: 'Rate limits are not enforced: the shared rate-limit store (Redis) keeps failing.',
    description:
      'myapp in {{ $labels.namespace }} has let requests through uncounted for 10 minutes because Redis failed or answered slower than REDIS_TIMEOUT_MS. The API keeps serving (fail open), but no client is limited.',
    dashboard: 'red',
    tests: [
      {
        name: 'fires when requests keep being let through uncounted',
        evalTime: '30m',
        series: {
          [`rate_limit_store_errors_total{job="${JOB}",namespace="prod",instance="a",error_type="Error"}`]:
            '0+12x60',
        },
        firing: [{ job: JOB, namespace: 'prod' }],
      },
      {
        name: 'stays quiet when the store stopped failing long ago',
        evalTime: '30m',
        series: {
          [`rate_limit_store_errors_total{job="${JOB}",namespace="prod",instance="a",error_type="Error"}`]:
            '0+12x5 60x55',
        },
        firing: [],
      },
    ],
  },
  {
    alert: 'MyappManyRequestsRateLimited',
    expr: `${rateLimitedRatio('10m')} > 0.05`,
    for: '15m',
    severity: 'warning',
    summary: 'Over 5% of myapp requests are answered 429 Too Many Requests.',
    description:
      "myapp in {{ $labels.namespace }} has refused over 5% of its requests with 429 for 15 minutes. Either a few clients exceed their limits, or the limits count the wrong thing: behind a proxy with TRUST_PROXY_HOPS too low every user shares the proxy's bucket.",
    dashboard: 'red',
    tests: [
      {
        name: 'fires when 10 of 100 requests a minute are refused',
        evalTime: '40m',
        series: statusSeries({ limited: 10, total: 100 }),
        firing: [{ job: JOB, namespace: 'prod' }],
      },
      {
        name: 'stays quiet when 2 of 100 requests a minute are refused',
        evalTime: '40m',
        series: statusSeries({ limited: 2, total: 100 }),
        firing: [],
      },
    ],
  },
];
