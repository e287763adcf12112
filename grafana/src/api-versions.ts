// API versions: who still calls which version, and how long until a deprecated one is retired.
import { APP, dashboard, RATE, row, stat, timeseries } from './panels.ts';
import { dashboardUids } from './uids.ts';

export const apiVersionsDashboard = dashboard(
  dashboardUids.apiVersions,
  'myapp / API versions',
  'Usage by API version and client, and days left before each deprecated version’s sunset.',
  [
    stat('Days to sunset', 'd', [
      {
        expr: `(min by (api_version) (api_version_sunset_timestamp_seconds{${APP}}) - time()) / 86400`,
        legend: '{{api_version}}',
      },
    ]),
    row('Usage'),
    timeseries('Requests by version', 'reqps', [
      {
        expr: `sum by (api_version) (rate(api_version_requests_total{${APP}}[${RATE}]))`,
        legend: '{{api_version}}',
      },
    ]),
    timeseries('Requests by version and client', 'reqps', [
      {
        expr: `sum by (api_version, api_client) (rate(api_version_requests_total{${APP}}[${RATE}]))`,
        legend: '{{api_version}} {{api_client}}',
      },
    ]),
  ],
);
