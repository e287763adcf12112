// promtool unit tests of the per-colour canary alerts, from the SLO spec: two colours' pods with
// build_info, each serving a steady error ratio, and the rollout-state series as the chart
// records it. Every SLO: a bad canary beside a spotless stable colour fires; a canary as good as
// stable, and one worse but within the tolerance, stay quiet; a weighted-out or missing canary
// (only the stable colour is weighted; the other colour takes tests alone) stays quiet, however
// badly it does.
import { canaryAlertMeta, canaryBurnAlertName } from './canary-rules.ts';
import type { PromtoolTestFile } from './promtool-tests.ts';
import { type ColourShare, ROLLOUT_WEIGHT } from './rollout-state.ts';
import { CANARY_PAIR, CANARY_TOLERANCE, errorBudget, JOB, type Slo, slos } from './slos.ts';

const PER_MINUTE = 10_000;
/** Past the long window and the alert's `for`. */
const EVAL_TIME = '90m';
const SAMPLES = 100;

interface ColourTraffic {
  colour: string;
  /** Bad events a minute out of PER_MINUTE; 0 writes no error series at all. */
  errorsPerMinute: number;
}

const counter = (perMinute: number) => `0+${perMinute}x${SAMPLES}`;

function colourSeries(slo: Slo, { colour, errorsPerMinute }: ColourTraffic) {
  const instance = `${colour}-1`;
  const labels = `job="${JOB}",instance="${instance}",http_route="/api/v1/users",http_request_method="GET"`;
  const series = [
    {
      series: `build_info{job="${JOB}",instance="${instance}",version="1.0.0",commit="unknown",colour="${colour}"}`,
      values: `1x${SAMPLES}`,
    },
  ];
  if (slo.sli.kind === 'availability') {
    series.push({
      series: `http_server_request_duration_seconds_count{${labels},http_response_status_code="200"}`,
      values: counter(PER_MINUTE - errorsPerMinute),
    });
    if (errorsPerMinute > 0)
      series.push({
        series: `http_server_request_duration_seconds_count{${labels},http_response_status_code="500"}`,
        values: counter(errorsPerMinute),
      });
    return series;
  }
  const status = `${labels},http_response_status_code="200"`;
  series.push(
    {
      series: `http_server_request_duration_seconds_count{${status}}`,
      values: counter(PER_MINUTE),
    },
    {
      series: `http_server_request_duration_seconds_bucket{${status},le="${slo.sli.thresholdSeconds}"}`,
      values: counter(PER_MINUTE - errorsPerMinute),
    },
  );
  return series;
}

function render(template: string, labels: Record<string, string>): string {
  return template.replace(
    /\{\{\s*\$labels\.(\w+)\s*\}\}/g,
    (_, name: string) => labels[name] ?? '',
  );
}

interface CanaryCase {
  stable: number;
  canary: number;
  shares: ColourShare[];
  fires: boolean;
}

function canaryCase(slo: Slo, test: CanaryCase): PromtoolTestFile['tests'][number] {
  const meta = canaryAlertMeta(slo);
  const perMinute = (burnRate: number) => Math.round(burnRate * errorBudget(slo) * PER_MINUTE);
  const labels = { ...meta.labels, colour: 'green', sloth_window: CANARY_PAIR.long };
  return {
    interval: '1m',
    input_series: [
      ...colourSeries(slo, { colour: 'blue', errorsPerMinute: perMinute(test.stable) }),
      ...colourSeries(slo, { colour: 'green', errorsPerMinute: perMinute(test.canary) }),
      ...test.shares.map((share) => ({
        series: `${ROLLOUT_WEIGHT}{colour="${share.colour}",role="${share.role}"}`,
        values: `${share.weight}x${SAMPLES}`,
      })),
    ],
    alert_rule_test: [
      {
        eval_time: EVAL_TIME,
        alertname: canaryBurnAlertName(slo),
        exp_alerts: test.fires
          ? [
              {
                exp_labels: labels,
                exp_annotations: Object.fromEntries(
                  Object.entries(meta.annotations).map(([key, value]) => [
                    key,
                    render(value, labels),
                  ]),
                ),
              },
            ]
          : [],
      },
    ],
  };
}

export function canaryTests(rulesFile: string): PromtoolTestFile {
  const { times, plus } = CANARY_TOLERANCE;
  const canary: ColourShare[] = [
    { colour: 'blue', role: 'stable', weight: 95 },
    { colour: 'green', role: 'canary', weight: 5 },
  ];
  const noCanary: ColourShare[] = [{ colour: 'blue', role: 'stable', weight: 100 }];
  // Burn rates (multiples of the budget's rate). The stable colour at 2 allows the canary
  // times × 2 + plus: 10% above that fires, 10% below stays quiet.
  const allowed = times * 2 + plus;
  const cases: CanaryCase[] = [
    // A bad canary beside a stable colour without one bad event (it has no error series).
    { stable: 0, canary: 10, shares: canary, fires: true },
    { stable: 2, canary: allowed * 1.1, shares: canary, fires: true },
    { stable: 2, canary: allowed * 0.9, shares: canary, fires: false },
    // As good as stable.
    { stable: 0.5, canary: 0.5, shares: canary, fires: false },
    // Over the cap (the fastest page's factor) fires even when stable burns as fast.
    {
      stable: CANARY_PAIR.factor * 1.2,
      canary: CANARY_PAIR.factor * 1.2,
      shares: canary,
      fires: true,
    },
    // No canary: the other colour serves only tests (deploy step), or is weighted back to 0.
    { stable: 0, canary: 50, shares: noCanary, fires: false },
    {
      stable: 0,
      canary: 50,
      shares: [...noCanary, { colour: 'green', role: 'canary', weight: 0 }],
      fires: false,
    },
  ];
  return {
    rule_files: [rulesFile],
    evaluation_interval: '1m',
    tests: slos.flatMap((slo) => cases.map((test) => canaryCase(slo, test))),
  };
}
