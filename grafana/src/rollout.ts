// A rollout as it happens: traffic, errors and latency split by build version and deployment
// colour (joined from build_info), a canary beside the stable colour by the SLOs' own SLIs with
// the weight the release deployed, pods by state, and backfill progress.
import { withColour } from '../../alerts/canary-rules.ts';
import { ROLLOUT_WEIGHT } from '../../alerts/rollout-state.ts';
import { sliQueries } from '../../alerts/slo-rules.ts';
import { type Slo, slos } from '../../alerts/slos.ts';
import { APP, dashboard, RATE, row, stat, timeseries } from './panels.ts';
import { dashboardUids } from './uids.ts';

const D = 'http_server_request_duration_seconds';
/** Adds build_info's version and colour to a per-pod series. */
const byBuild = `* on (job, instance) group_left (version, colour) build_info{${APP}}`;
/** Adds the role (stable, canary) the release gave a colour; colours it weights no traffic to drop out. */
const byRole = `* on (colour) group_left (role) group by (colour, role) (${ROLLOUT_WEIGHT})`;
const ROLE_LEGEND = '{{role}} ({{colour}})';

function sloOf(kind: Slo['sli']['kind']): Slo {
  const slo = slos.find((candidate) => candidate.sli.kind === kind);
  if (!slo) throw new Error(`no ${kind} SLO in alerts/slos.ts`);
  return slo;
}

/** One SLO's error ratio per colour, as the canary alert and analysis measure it. */
function colourErrorRatio(slo: Slo): string {
  const { errors, total } = sliQueries(slo, RATE, withColour, ['colour']);
  return `((${errors} or ${total} * 0) / ${total}) ${byRole}`;
}

const availability = sloOf('availability');
const latency = sloOf('latency');
const latencyThreshold = latency.sli.kind === 'latency' ? latency.sli.thresholdSeconds : 0;
const apiSelector = availability.sli.selector;

export const rolloutDashboard = dashboard(
  dashboardUids.rollout,
  'myapp / Rollout',
  'Traffic, errors and latency by version and colour during a rolling or blue-green deployment.',
  [
    stat('Pods by version and colour', 'short', [
      { expr: `count by (version, colour) (build_info{${APP}})`, legend: '{{version}} {{colour}}' },
    ]),
    stat('Targets up', 'short', [{ expr: `sum(up{${APP}})` }]),
    stat('Pods draining', 'short', [{ expr: `sum(lifecycle_state{${APP},state="draining"})` }]),
    row('By version and colour'),
    timeseries('Requests', 'reqps', [
      {
        expr: `sum by (version, colour) (rate(${D}_count{${APP}}[${RATE}]) ${byBuild})`,
        legend: '{{version}} {{colour}}',
      },
    ]),
    timeseries('5xx ratio', 'percentunit', [
      {
        expr: `(sum by (version, colour) (rate(${D}_count{${APP},http_response_status_code=~"5.."}[${RATE}]) ${byBuild}) or sum by (version, colour) (rate(${D}_count{${APP}}[${RATE}]) ${byBuild}) * 0) / sum by (version, colour) (rate(${D}_count{${APP}}[${RATE}]) ${byBuild})`,
        legend: '{{version}} {{colour}}',
      },
    ]),
    timeseries('p95 latency', 's', [
      {
        expr: `histogram_quantile(0.95, sum by (le, version, colour) (rate(${D}_bucket{${APP}}[${RATE}]) ${byBuild}))`,
        legend: '{{version}} {{colour}}',
      },
    ]),
    row('Canary against stable'),
    stat(
      'Traffic weight (deployed)',
      'percent',
      [{ expr: `max by (role, colour) (${ROLLOUT_WEIGHT})`, legend: ROLE_LEGEND }],
      {
        description:
          'The percent of requests this release tells the HTTPRoute or canary Ingress to send each colour (blueGreen.canaryWeight), recorded by the chart’s rollout-state PrometheusRule.',
      },
    ),
    timeseries(
      'Traffic share: deployed and served',
      'percent',
      [
        { expr: `max by (role, colour) (${ROLLOUT_WEIGHT})`, legend: `deployed ${ROLE_LEGEND}` },
        {
          expr: `100 * sum by (colour) (${withColour(`rate(${D}_count{${apiSelector}}[${RATE}])`)}) ${byRole} / ignoring (colour, role) group_left sum(rate(${D}_count{${apiSelector}}[${RATE}]))`,
          legend: `served ${ROLE_LEGEND}`,
        },
      ],
      {
        width: 18,
        description:
          'What the routers were told (deployed) against the share of API requests each colour answered (served): a gap means the router has not applied the weight, or the canary is not ready.',
      },
    ),
    timeseries('API requests by role', 'reqps', [
      {
        expr: `sum by (colour) (${withColour(`rate(${D}_count{${apiSelector}}[${RATE}])`)}) ${byRole}`,
        legend: ROLE_LEGEND,
      },
    ]),
    timeseries(
      `5xx ratio by role (${availability.id} SLI)`,
      'percentunit',
      [{ expr: colourErrorRatio(availability), legend: ROLE_LEGEND }],
      { description: `${availability.description} Objective ${availability.objective}%.` },
    ),
    timeseries('p99 latency by role', 's', [
      {
        expr: `histogram_quantile(0.99, sum by (le, colour) (${withColour(`rate(${D}_bucket{${apiSelector}}[${RATE}])`)})) ${byRole}`,
        legend: ROLE_LEGEND,
      },
    ]),
    timeseries(
      `Within ${latencyThreshold * 1000} ms by role (${latency.id} SLI)`,
      'percentunit',
      [{ expr: `1 - ${colourErrorRatio(latency)}`, legend: ROLE_LEGEND }],
      { description: `${latency.description} Objective ${latency.objective}%.` },
    ),
    row('Pods'),
    timeseries('Pods by lifecycle state', 'short', [
      { expr: `sum by (state) (lifecycle_state{${APP}})`, legend: '{{state}}' },
    ]),
    row('Schema'),
    timeseries('Backfill progress', 'percentunit', [
      {
        expr: `max by (migration) (migration_backfill_rows_processed_total{${APP}}) / max by (migration) (migration_backfill_rows{${APP}})`,
        legend: '{{migration}}',
      },
    ]),
  ],
);
