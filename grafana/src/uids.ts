// Stable dashboard uids: links in alerts (`dashboard_url`) and between dashboards use them, so
// they never change once published.
export const dashboardUids = {
  red: 'myapp-red',
  slo: 'myapp-slo',
  runtime: 'myapp-runtime',
  rollout: 'myapp-rollout',
  flags: 'myapp-flags',
  apiVersions: 'myapp-api-versions',
} as const;
