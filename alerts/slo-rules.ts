// From the SLO spec to Prometheus rule groups: SLI error ratios per window, the sloth metadata
// series, burn-rate alerts (page and ticket) and error-budget-exhausted. Names and labels follow
// sloth, so sloth's public dashboards work on them too. The 30-day ratio comes from increase() of
// the counters, not from averaging 5-minute ratios (which over-weights quiet hours, sloth#241).
import { dashboardUrl, runbookUrl } from './links.ts';
import {
  burnRateAlerts,
  errorBudget,
  PERIOD_DAYS,
  SERVICE,
  SLI_WINDOWS,
  type Slo,
  slos,
  slothId,
} from './slos.ts';

interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: (RecordingRule | AlertingRule)[];
}

const DURATION = 'http_server_request_duration_seconds';
const PERIOD = `${PERIOD_DAYS}d`;

/**
 * The rate (or increase, for the whole period) of bad and of all events over `window`. `scope`
 * narrows each per-series rate before it is summed (the canary analysis keeps one colour's);
 * `by` keeps those labels through the sum (the per-colour rules and panels keep `colour`).
 */
export function sliQueries(
  slo: Slo,
  window: string,
  scope: (rate: string) => string = (rate) => rate,
  by: readonly string[] = [],
): { errors: string; total: string } {
  const fn = window === PERIOD ? 'increase' : 'rate';
  const { sli } = slo;
  const sumBy = by.length > 0 ? `sum by (${by.join(', ')}) ` : 'sum';
  const sum = (series: string) => `${sumBy}(${scope(`${fn}(${series}[${window}])`)})`;
  const total = sum(`${DURATION}_count{${sli.selector}}`);
  if (sli.kind === 'availability') {
    return {
      errors: sum(
        `${DURATION}_count{${sli.selector},http_response_status_code=~"${sli.badStatus}"}`,
      ),
      total,
    };
  }
  // Prometheus 3 writes integral bucket bounds as `1.0`: match both spellings.
  const le = Number.isInteger(sli.thresholdSeconds)
    ? `le=~"${sli.thresholdSeconds}(\\\\.0)?"`
    : `le="${sli.thresholdSeconds}"`;
  return { errors: `(${total} - ${sum(`${DURATION}_bucket{${sli.selector},${le}}`)})`, total };
}

export function sloLabels(slo: Slo): Record<string, string> {
  return { sloth_id: slothId(slo), sloth_service: SERVICE, sloth_slo: slo.id };
}

const id = (slo: Slo) => `sloth_id="${slothId(slo)}"`;

function recordings(slo: Slo): RuleGroup {
  return {
    name: `sloth-slo-sli-recordings-${slothId(slo)}`,
    rules: [...SLI_WINDOWS, PERIOD].map((window) => {
      const { errors, total } = sliQueries(slo, window);
      return {
        record: `slo:sli_error:ratio_rate${window}`,
        expr: `(${errors})\n/\n(${total})\n`,
        labels: { ...sloLabels(slo), sloth_window: window },
      };
    }),
  };
}

function metadata(slo: Slo): RuleGroup {
  const labels = sloLabels(slo);
  const on = 'on(sloth_id, sloth_slo, sloth_service) group_left';
  return {
    name: `sloth-slo-meta-recordings-${slothId(slo)}`,
    rules: [
      { record: 'slo:objective:ratio', expr: `vector(${slo.objective / 100})`, labels },
      { record: 'slo:error_budget:ratio', expr: `vector(${errorBudget(slo)})`, labels },
      { record: 'slo:time_period:days', expr: `vector(${PERIOD_DAYS})`, labels },
      {
        record: 'slo:current_burn_rate:ratio',
        expr: `max without (sloth_window) (slo:sli_error:ratio_rate5m{${id(slo)}})\n/ ${on}\nslo:error_budget:ratio{${id(slo)}}\n`,
        labels,
      },
      {
        record: 'slo:period_burn_rate:ratio',
        expr: `max without (sloth_window) (slo:sli_error:ratio_rate${PERIOD}{${id(slo)}})\n/ ${on}\nslo:error_budget:ratio{${id(slo)}}\n`,
        labels,
      },
      {
        record: 'slo:period_error_budget_remaining:ratio',
        expr: `1 - slo:period_burn_rate:ratio{${id(slo)}}`,
        labels,
      },
    ],
  };
}

export const burnAlertName = (slo: Slo) => `${slo.alertName}ErrorBudgetBurn`;
export const exhaustedAlertName = (slo: Slo) => `${slo.alertName}ErrorBudgetExhausted`;

function windowHours(window: string): number {
  const value = Number.parseInt(window, 10);
  return window.endsWith('d') ? value * 24 : window.endsWith('h') ? value : value / 60;
}

/** The alert's labels and annotations, also used to write the expectations of its tests. */
export function burnAlertMeta(slo: Slo, pair: (typeof burnRateAlerts)[number]) {
  const budgetPercent = Number((errorBudget(slo) * 100).toFixed(6));
  const spent = `${Math.round((pair.factor * windowHours(pair.long) * 1000) / (PERIOD_DAYS * 24)) / 10}%`;
  return {
    labels: {
      ...sloLabels(slo),
      severity: pair.severity,
      sloth_severity: pair.severity === 'critical' ? 'page' : 'ticket',
      long_window: pair.long,
      short_window: pair.short,
    },
    annotations: {
      summary: `${SERVICE} is burning its ${slo.id} error budget ${pair.factor}x too fast.`,
      description: `${slo.description} Over the last ${pair.long} and ${pair.short}, the error ratio exceeded ${pair.factor} x ${budgetPercent}% (the budget of a ${slo.objective}% objective): at this rate about ${spent} of the ${PERIOD_DAYS}-day budget goes in ${pair.long}.`,
      runbook_url: runbookUrl(burnAlertName(slo)),
      dashboard_url: dashboardUrl('slo'),
    },
  };
}

export function exhaustedAlertMeta(slo: Slo) {
  return {
    labels: { ...sloLabels(slo), severity: 'warning', sloth_severity: 'ticket' },
    annotations: {
      summary: `${SERVICE} has spent its whole ${PERIOD_DAYS}-day ${slo.id} error budget.`,
      description: `${slo.description} The error ratio over the last ${PERIOD_DAYS} days exceeds the ${slo.objective}% objective: no budget is left for risky changes.`,
      runbook_url: runbookUrl(exhaustedAlertName(slo)),
      dashboard_url: dashboardUrl('slo'),
    },
  };
}

const EXHAUSTED_FOR = '5m';

function alerts(slo: Slo): RuleGroup {
  const budget = errorBudget(slo);
  const burn = burnRateAlerts.map((pair) => {
    const threshold = `(${pair.factor} * ${budget})`;
    return {
      alert: burnAlertName(slo),
      expr:
        `slo:sli_error:ratio_rate${pair.long}{${id(slo)}} > ${threshold}\n` +
        `and ignoring(sloth_window)\n` +
        `slo:sli_error:ratio_rate${pair.short}{${id(slo)}} > ${threshold}\n`,
      for: pair.for,
      ...burnAlertMeta(slo, pair),
    };
  });
  return {
    name: `sloth-slo-alerts-${slothId(slo)}`,
    rules: [
      ...burn,
      {
        alert: exhaustedAlertName(slo),
        expr: `slo:period_error_budget_remaining:ratio{${id(slo)}} <= 0`,
        for: EXHAUSTED_FOR,
        ...exhaustedAlertMeta(slo),
      },
    ],
  };
}

export function sloRuleGroups(): RuleGroup[] {
  return slos.flatMap((slo) => [recordings(slo), metadata(slo), alerts(slo)]);
}
