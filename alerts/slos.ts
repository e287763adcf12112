// THE SLO spec. Recording rules (sloth-compatible names), multi-window multi-burn-rate alerts,
// their promtool tests and the SLO dashboard are all generated from this file
// (`npm run generate`); edit here, never in the generated files.

/** The Prometheus job the app's targets are scraped under (the chart's ServiceMonitor keeps it). */
export const JOB = 'myapp';
export const SERVICE = 'myapp';
export const PERIOD_DAYS = 30;

/** API traffic only: health checks are not users, and /metrics is on another port anyway. */
const API_SELECTOR = `job="${JOB}",http_route=~"/api/.*"`;

type Sli =
  /** Bad events: responses with a status matching `badStatus`. */
  | { kind: 'availability'; selector: string; badStatus: string }
  /** Bad events: requests slower than `thresholdSeconds` (a histogram bucket boundary). */
  | { kind: 'latency'; selector: string; thresholdSeconds: number };

export interface Slo {
  /** Short id: sloth's `sloth_slo` label. */
  id: string;
  /** Prefix of the alert names: `<alertName>ErrorBudgetBurn`, `<alertName>ErrorBudgetExhausted`. */
  alertName: string;
  /** Percentage of good events over PERIOD_DAYS. */
  objective: number;
  description: string;
  sli: Sli;
}

export const slos: readonly Slo[] = [
  {
    id: 'requests-availability',
    alertName: 'Availability',
    objective: 99.9,
    description: 'API requests answered without a server error (5xx).',
    sli: { kind: 'availability', selector: API_SELECTOR, badStatus: '5..' },
  },
  {
    id: 'requests-latency',
    alertName: 'Latency',
    objective: 99,
    description: 'API requests answered within 300 ms.',
    sli: { kind: 'latency', selector: API_SELECTOR, thresholdSeconds: 0.3 },
  },
];

/**
 * The SRE Workbook's multi-window multi-burn-rate alerts for a 30-day SLO: fire when both the
 * long and the short window burn the budget `factor` times too fast. `for` as kubernetes-mixin.
 */
export const burnRateAlerts = [
  { severity: 'critical', long: '1h', short: '5m', factor: 14.4, for: '2m' },
  { severity: 'critical', long: '6h', short: '30m', factor: 6, for: '15m' },
  { severity: 'warning', long: '1d', short: '2h', factor: 3, for: '1h' },
  { severity: 'warning', long: '3d', short: '6h', factor: 1, for: '3h' },
] as const;

/** The windows whose error ratios are recorded (every window an alert or dashboard reads). */
export const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

export function errorBudget(slo: Slo): number {
  return Number((1 - slo.objective / 100).toFixed(10));
}

export function slothId(slo: Slo): string {
  return `${SERVICE}-${slo.id}`;
}

/**
 * How much faster than the stable colour a canary may burn an SLO's budget, as burn rates:
 * `stable × times + plus`, and never above the fastest burn-rate alert's factor. The `plus`
 * leaves a canary its budget while the stable colour is spotless; `times` keeps a bad night of
 * both colours from being blamed on the canary. The canary analysis (app/rollout/) and the
 * per-colour canary alert (alerts/canary-rules.ts) both judge by it.
 */
export const CANARY_TOLERANCE = { times: 2, plus: 1 } as const;

/** The burn-rate pair a canary is judged on: the fastest (a canary lives minutes, not days). */
export const CANARY_PAIR = burnRateAlerts.reduce((fastest, pair) =>
  pair.factor > fastest.factor ? pair : fastest,
);
