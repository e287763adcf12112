// Canary against stable, by the SLOs: each colour's SLI error ratio (the SLO's own SLI, per pod
// colour through build_info) over the two windows of the fastest burn-rate pair, and one alert
// per SLO that fires while the canary colour burns the budget faster than the stable colour
// allows (CANARY_TOLERANCE, the rule the canary analysis judges by). Which colour is the canary
// comes from the release's own rollout-state series (alerts/rollout-state.ts): with no canary
// weighted in, nothing fires. The rollout guard acts on these alerts (app/flags/guard/).
import { dashboardUrl, runbookUrl } from './links.ts';
import { ROLLOUT_WEIGHT } from './rollout-state.ts';
import { type AlertingRule, type RuleGroup, sliQueries, sloLabels } from './slo-rules.ts';
import {
  CANARY_PAIR,
  CANARY_TOLERANCE,
  errorBudget,
  JOB,
  SERVICE,
  type Slo,
  slos,
  slothId,
} from './slos.ts';

/** A per-pod rate with its pod's colour (build_info's label). */
export const withColour = (rate: string) =>
  `${rate} * on (instance, job) group_left (colour) build_info{job="${JOB}"}`;

const colourRatioRecord = (window: string) => `slo:sli_error_by_colour:ratio_rate${window}`;

export const canaryBurnAlertName = (slo: Slo) => `${slo.alertName}CanaryErrorBudgetBurn`;

const id = (slo: Slo) => `sloth_id="${slothId(slo)}"`;

function colourRecordings(slo: Slo): RuleGroup {
  return {
    name: `myapp-slo-sli-by-colour-${slothId(slo)}`,
    rules: [CANARY_PAIR.short, CANARY_PAIR.long].map((window) => {
      const { errors, total } = sliQueries(slo, window, withColour, ['colour']);
      // A colour without a single bad event has no error series: count it as 0, not as absent,
      // or a spotless stable colour would leave the canary nothing to be compared with.
      return {
        record: colourRatioRecord(window),
        expr: `(${errors}\nor\n${total} * 0)\n/\n${total}\n`,
        labels: { ...sloLabels(slo), sloth_window: window },
      };
    }),
  };
}

/** The alert's labels and annotations, also used to write the expectations of its tests. */
export function canaryAlertMeta(slo: Slo) {
  const { times, plus } = CANARY_TOLERANCE;
  return {
    labels: {
      ...sloLabels(slo),
      severity: 'critical',
      sloth_severity: 'page',
      long_window: CANARY_PAIR.long,
      short_window: CANARY_PAIR.short,
    },
    annotations: {
      summary: `The ${SERVICE} canary colour {{ $labels.colour }} burns its ${slo.id} error budget faster than the stable colour.`,
      description: `${slo.description} Over the last ${CANARY_PAIR.long} and ${CANARY_PAIR.short}, the canary's burn rate exceeded ${times} x the stable colour's + ${plus} (capped at ${CANARY_PAIR.factor}x, where a page fires on its own): the new version is worse. The rollout guard takes its weight back to 0.`,
      runbook_url: runbookUrl(canaryBurnAlertName(slo)),
      dashboard_url: dashboardUrl('rollout'),
    },
  };
}

function canaryAlert(slo: Slo): AlertingRule {
  const budget = errorBudget(slo);
  const { times, plus } = CANARY_TOLERANCE;
  const ofRole = (window: string, role: string) =>
    `${colourRatioRecord(window)}{${id(slo)}} and on (colour) ${ROLLOUT_WEIGHT}{role="${role}"} > 0`;
  // In error ratios: canary > min(times × stable + plus × budget, factor × budget).
  const worse = (window: string) =>
    `(${ofRole(window, 'canary')})\n> ignoring (colour) group_left\n` +
    `clamp_max(${times} * (${ofRole(window, 'stable')}) + ${plus} * ${budget}, ${CANARY_PAIR.factor} * ${budget})`;
  return {
    alert: canaryBurnAlertName(slo),
    expr: `(\n${worse(CANARY_PAIR.long)}\n)\nand ignoring (sloth_window)\n(\n${worse(CANARY_PAIR.short)}\n)\n`,
    for: CANARY_PAIR.for,
    ...canaryAlertMeta(slo),
  };
}

export function canaryRuleGroups(): RuleGroup[] {
  return slos.flatMap((slo) => [
    colourRecordings(slo),
    { name: `myapp-canary-alerts-${slothId(slo)}`, rules: [canaryAlert(slo)] },
  ]);
}
