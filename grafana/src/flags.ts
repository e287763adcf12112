// Feature flags: evaluations, and the requests that evaluated a flag — traffic, errors and latency
// by variant — so a rollout's variant can be compared with the control; every change of a flag's
// definition is marked on the time axis, so a shift in a graph can be matched with its cause.
import { APP, dashboard, RATE, row, timeseries } from './panels.ts';
import { dashboardUids } from './uids.ts';

const F = 'feature_flag_request_duration_seconds';

export const flagsDashboard = dashboard(
  dashboardUids.flags,
  'myapp / Feature flags',
  'Flag evaluations and the requests behind them by flag and variant; the Unleash client’s health.',
  [
    row('By variant'),
    timeseries('Evaluations', 'ops', [
      {
        expr: `sum by (feature_flag_key, feature_flag_result_variant) (rate(feature_flag_evaluations_total{${APP}}[${RATE}]))`,
        legend: '{{feature_flag_key}} = {{feature_flag_result_variant}}',
      },
    ]),
    timeseries('Requests', 'reqps', [
      {
        expr: `sum by (feature_flag_key, feature_flag_result_variant) (rate(${F}_count{${APP}}[${RATE}]))`,
        legend: '{{feature_flag_key}} = {{feature_flag_result_variant}}',
      },
    ]),
    timeseries('5xx ratio', 'percentunit', [
      {
        expr: `(sum by (feature_flag_key, feature_flag_result_variant) (rate(${F}_count{${APP},http_response_status_code=~"5.."}[${RATE}])) or sum by (feature_flag_key, feature_flag_result_variant) (rate(${F}_count{${APP}}[${RATE}])) * 0) / sum by (feature_flag_key, feature_flag_result_variant) (rate(${F}_count{${APP}}[${RATE}]))`,
        legend: '{{feature_flag_key}} = {{feature_flag_result_variant}}',
      },
    ]),
    timeseries('p95 latency', 's', [
      {
        expr: `histogram_quantile(0.95, sum by (le, feature_flag_key, feature_flag_result_variant) (rate(${F}_bucket{${APP}}[${RATE}])))`,
        legend: '{{feature_flag_key}} = {{feature_flag_result_variant}}',
      },
    ]),
    row('Flag client'),
    timeseries('Seconds since the last sync', 's', [
      {
        expr: `time() - feature_flag_client_last_sync_timestamp_seconds{${APP}}`,
        legend: '{{instance}}',
      },
    ]),
    timeseries('Fetch errors', 'ops', [
      {
        expr: `sum by (error_type) (rate(feature_flag_client_errors_total{${APP}}[${RATE}]))`,
        legend: '{{error_type}}',
      },
    ]),
  ],
  [
    {
      // A mark where a flag's definition changed: a rollout dialled, the flag switched, a
      // strategy edited (in Unleash or the flags file).
      name: 'Flag definition changes',
      expr: `sum by (feature_flag_key) (increase(feature_flag_definition_changes_total{${APP}}[${RATE}])) > 0`,
      title: '{{feature_flag_key}} changed',
      text: 'The flag client received a new definition of this flag.',
    },
  ],
);
