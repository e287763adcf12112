// promtool unit-test files: from the SLO spec (every burn-rate pair and the budget-exhausted alert,
// each on both sides of its threshold) and from the symptom alerts' hand-written cases.
// Prometheus 2.42's promtool: no fuzzy_compare, no per-test start_timestamp.
import {
  burnAlertMeta,
  burnAlertName,
  exhaustedAlertMeta,
  exhaustedAlertName,
  sloLabels,
} from './slo-rules.ts';
import { burnRateAlerts, errorBudget, JOB, type Slo, slos } from './slos.ts';
import type { SymptomAlert } from './symptoms.ts';

interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

interface PromtoolTest {
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: { eval_time: string; alertname: string; exp_alerts: ExpectedAlert[] }[];
}

export interface PromtoolTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: PromtoolTest[];
}

/** Requests a minute in the synthetic traffic: large, so error counts round finely. */
const PER_MINUTE = 10_000;
/** Past the longest `for` (3h) of the slowest pair, with its windows filled. */
const EVAL_TIME = '4h';
const SAMPLES = 250;

function trafficSeries(slo: Slo, errorsPerMinute: number) {
  const labels = `job="${JOB}",http_route="/api/v1/users",http_request_method="GET"`;
  const counter = (perMinute: number) => `0+${perMinute}x${SAMPLES}`;
  if (slo.sli.kind === 'availability') {
    return [
      {
        series: `http_server_request_duration_seconds_count{${labels},http_response_status_code="200"}`,
        values: counter(PER_MINUTE - errorsPerMinute),
      },
      {
        series: `http_server_request_duration_seconds_count{${labels},http_response_status_code="500"}`,
        values: counter(errorsPerMinute),
      },
    ];
  }
  const status = `${labels},http_response_status_code="200"`;
  return [
    {
      series: `http_server_request_duration_seconds_count{${status}}`,
      values: counter(PER_MINUTE),
    },
    {
      series: `http_server_request_duration_seconds_bucket{${status},le="${slo.sli.thresholdSeconds}"}`,
      values: counter(PER_MINUTE - errorsPerMinute),
    },
  ];
}

/** A steady error ratio: every window sees it, so exactly the pairs it exceeds fire. */
function sloCase(slo: Slo, errorsPerMinute: number): PromtoolTest {
  const ratio = errorsPerMinute / PER_MINUTE;
  const budget = errorBudget(slo);
  const burning = burnRateAlerts.filter((pair) => ratio > pair.factor * budget);
  return {
    interval: '1m',
    input_series: trafficSeries(slo, errorsPerMinute),
    alert_rule_test: [
      {
        eval_time: EVAL_TIME,
        alertname: burnAlertName(slo),
        exp_alerts: burning.map((pair) => {
          const meta = burnAlertMeta(slo, pair);
          return {
            exp_labels: { ...meta.labels, sloth_window: pair.long },
            exp_annotations: meta.annotations,
          };
        }),
      },
      {
        eval_time: EVAL_TIME,
        alertname: exhaustedAlertName(slo),
        exp_alerts:
          ratio > budget
            ? [
                {
                  exp_labels: { ...exhaustedAlertMeta(slo).labels, ...sloLabels(slo) },
                  exp_annotations: exhaustedAlertMeta(slo).annotations,
                },
              ]
            : [],
      },
    ],
  };
}

export function sloTests(rulesFile: string): PromtoolTestFile {
  const tests = slos.flatMap((slo) => {
    const budget = errorBudget(slo);
    // 10% above and 10% below each pair's threshold, and a healthy 0.5x burn.
    const ratios = [
      ...burnRateAlerts.flatMap((pair) => [1.1, 0.9].map((side) => side * pair.factor * budget)),
      0.5 * budget,
    ];
    return ratios.map((ratio) => sloCase(slo, Math.round(ratio * PER_MINUTE)));
  });
  // Rules evaluated every 5 minutes (the series stay 1 minute apart, so the 5m windows hold
  // samples): the same verdicts as every minute, at a fifth of promtool's time.
  return { rule_files: [rulesFile], evaluation_interval: '5m', tests };
}

function render(template: string, labels: Record<string, string>): string {
  return template.replace(
    /\{\{\s*\$labels\.(\w+)\s*\}\}/g,
    (_, name: string) => labels[name] ?? '',
  );
}

export function symptomTests(
  rulesFile: string,
  alerts: SymptomAlert[],
  annotationsOf: (alert: SymptomAlert) => Record<string, string>,
): PromtoolTestFile {
  return {
    rule_files: [rulesFile],
    evaluation_interval: '1m',
    tests: alerts.flatMap((alert) =>
      alert.tests.map((test) => ({
        interval: '1m',
        input_series: Object.entries(test.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: [
          {
            eval_time: test.evalTime,
            alertname: alert.alert,
            exp_alerts: test.firing.map((labels) => {
              const annotations = annotationsOf(alert);
              return {
                exp_labels: { ...labels, severity: alert.severity },
                exp_annotations: Object.fromEntries(
                  Object.entries(annotations).map(([key, value]) => [key, render(value, labels)]),
                ),
              };
            }),
          },
        ],
      })),
    ),
  };
}
