// RED overview: rate, errors and duration of the API by route, plus the database underneath.
import { APP, dashboard, RATE, row, stat, timeseries } from './panels.ts';
import { dashboardUids } from './uids.ts';

const D = 'http_server_request_duration_seconds';
const API = `${APP},http_route=~"/api/.*"`;

export const redDashboard = dashboard(
  dashboardUids.red,
  'myapp / RED overview',
  'Requests, errors and duration of the myapp API by route template, and the database under it.',
  [
    stat('Requests/s', 'reqps', [{ expr: `sum(rate(${D}_count{${API}}[${RATE}]))` }]),
    stat('5xx ratio', 'percentunit', [
      {
        expr: `(sum(rate(${D}_count{${API},http_response_status_code=~"5.."}[${RATE}])) or sum(rate(${D}_count{${API}}[${RATE}])) * 0) / sum(rate(${D}_count{${API}}[${RATE}]))`,
      },
    ]),
    stat('p95 latency', 's', [
      { expr: `histogram_quantile(0.95, sum by (le) (rate(${D}_bucket{${API}}[${RATE}])))` },
    ]),
    stat('In flight', 'short', [{ expr: `sum(http_server_active_requests{${APP}})` }]),
    row('Rate'),
    timeseries('Requests by route', 'reqps', [
      {
        expr: `sum by (http_request_method, http_route) (rate(${D}_count{${APP}}[${RATE}]))`,
        legend: '{{http_request_method}} {{http_route}}',
      },
    ]),
    timeseries('Responses by status', 'reqps', [
      {
        expr: `sum by (http_response_status_code) (rate(${D}_count{${APP}}[${RATE}]))`,
        legend: '{{http_response_status_code}}',
      },
    ]),
    row('Errors'),
    timeseries('5xx ratio by route', 'percentunit', [
      {
        expr: `(sum by (http_route) (rate(${D}_count{${APP},http_response_status_code=~"5.."}[${RATE}])) or sum by (http_route) (rate(${D}_count{${APP}}[${RATE}])) * 0) / sum by (http_route) (rate(${D}_count{${APP}}[${RATE}]))`,
        legend: '{{http_route}}',
      },
    ]),
    timeseries('4xx ratio by route', 'percentunit', [
      {
        expr: `(sum by (http_route) (rate(${D}_count{${APP},http_response_status_code=~"4.."}[${RATE}])) or sum by (http_route) (rate(${D}_count{${APP}}[${RATE}])) * 0) / sum by (http_route) (rate(${D}_count{${APP}}[${RATE}]))`,
        legend: '{{http_route}}',
      },
    ]),
    row('Duration'),
    timeseries('p95 by route', 's', [
      {
        expr: `histogram_quantile(0.95, sum by (le, http_route) (rate(${D}_bucket{${APP}}[${RATE}])))`,
        legend: '{{http_route}}',
      },
    ]),
    timeseries('p50 / p95 / p99 of the API', 's', [
      {
        expr: `histogram_quantile(0.5, sum by (le) (rate(${D}_bucket{${API}}[${RATE}])))`,
        legend: 'p50',
      },
      {
        expr: `histogram_quantile(0.95, sum by (le) (rate(${D}_bucket{${API}}[${RATE}])))`,
        legend: 'p95',
      },
      {
        expr: `histogram_quantile(0.99, sum by (le) (rate(${D}_bucket{${API}}[${RATE}])))`,
        legend: 'p99',
      },
    ]),
    row('Database'),
    timeseries('Query p95 by operation', 's', [
      {
        expr: `histogram_quantile(0.95, sum by (le, db_operation_name, db_collection_name) (rate(db_client_operation_duration_seconds_bucket{${APP}}[${RATE}])))`,
        legend: '{{db_operation_name}} {{db_collection_name}}',
      },
    ]),
    timeseries('Pool use', 'short', [
      {
        expr: `sum(db_client_connections{${APP},db_client_connection_state="used"})`,
        legend: 'used',
      },
      { expr: `sum(db_client_connection_max{${APP}})`, legend: 'max' },
      { expr: `sum(db_client_connection_pending_requests{${APP}})`, legend: 'waiting' },
    ]),
  ],
);
