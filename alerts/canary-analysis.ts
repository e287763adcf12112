// The canary analysis's spec, generated from the SLO spec into chart/files/analysis/canary.json
// (`npm run generate`), which the analysis reads (app/rollout/): for each SLO, the PromQL of one
// colour's bad events and all events over a window — the SLO's own SLI, kept to the pods of that
// colour through build_info — and the error budget its burn rate is measured against.
import { sliQueries } from './slo-rules.ts';
import { CANARY_PAIR, CANARY_TOLERANCE, errorBudget, JOB, slos } from './slos.ts';

/** Placeholders the analysis fills in: the colour judged and the window looked at. */
const COLOUR = '$COLOUR';
const WINDOW = '$WINDOW';

export function canaryAnalysisSpec() {
  const ofColour = (rate: string) =>
    `${rate} * on(instance, job) group_left(colour) build_info{job="${JOB}",colour="${COLOUR}"}`;
  return {
    // A canary burning its budget faster than the fastest burn-rate alert would page on its own.
    maxBurnRate: CANARY_PAIR.factor,
    // How much faster than the stable colour it may burn (the per-colour canary alert's rule too).
    stableTimes: CANARY_TOLERANCE.times,
    stablePlus: CANARY_TOLERANCE.plus,
    slos: slos.map((slo) => ({
      id: slo.id,
      description: slo.description,
      errorBudget: errorBudget(slo),
      ...sliQueries(slo, WINDOW, ofColour),
    })),
  };
}
