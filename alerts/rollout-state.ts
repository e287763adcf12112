// The traffic split a release deployed, as Prometheus series: which colour is stable, which is
// the canary, and the percent of requests the routers were told to send each. The chart renders
// these as constant recording rules (chart/templates/rollout-state.yaml) from the same values that
// weight the HTTPRoute or the canary Ingress, so a weight change updates one PrometheusRule and
// restarts no pod (an env variable would change both colours' pod templates, and a promote would
// restart the colour it sends traffic to). This file is the series' shape: the dashboard and the
// canary alert read it, the promtool tests feed it, and a chart test holds the template to it.
import type { RuleGroup } from './slo-rules.ts';

/** The recorded series: value = percent of requests, labels `colour` and `role`. */
export const ROLLOUT_WEIGHT = 'myapp:rollout_traffic_weight:percent';

type RolloutRole = 'stable' | 'canary';

export interface ColourShare {
  colour: string;
  role: RolloutRole;
  weight: number;
}

/**
 * The colours that take users' traffic in a state: the active colour (stable) with what the
 * canary leaves it, and the idle colour as canary only while it is given a weight.
 */
export function trafficShares(state: {
  active: string;
  idle: string;
  canaryWeight: number;
}): ColourShare[] {
  const shares: ColourShare[] = [
    { colour: state.active, role: 'stable', weight: 100 - state.canaryWeight },
  ];
  if (state.canaryWeight > 0)
    shares.push({ colour: state.idle, role: 'canary', weight: state.canaryWeight });
  return shares;
}

const ROLLOUT_STATE_GROUP = 'myapp-rollout-state';

export function rolloutStateGroup(shares: readonly ColourShare[]): RuleGroup {
  return {
    name: ROLLOUT_STATE_GROUP,
    rules: shares.map((share) => ({
      record: ROLLOUT_WEIGHT,
      expr: `vector(${share.weight})`,
      labels: { colour: share.colour, role: share.role },
    })),
  };
}
