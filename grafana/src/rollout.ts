// A rollout as it happens: traffic, errors and latency split by build version and deployment
// colour (joined from build_info), pods by state, and backfill progress.
import { APP, dashboard, RATE, row, stat, timeseries } from './panels.ts';
import { dashboardUids } from './uids.ts';

const D = 'http_server_request_duration_seconds';
/** Adds build_info's version and colour to a per-pod series. */
const byBuild = `* on (job, instance) group_left (version, colour) build_info{${APP}}`;

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
