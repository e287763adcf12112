// Where alert annotations point. Change these two bases when the project moves; everything
// else (anchors, uids) is checked by tests against docs/runbooks.md and grafana/dashboards/.
// An installation repoints both with the chart's prometheusRule.runbookUrl and .grafanaUrl.
import { dashboardUids } from '../grafana/src/uids.ts';

const RUNBOOKS = 'https://github.com/example/myapp/blob/main/docs/runbooks.md';
const GRAFANA = 'https://grafana.example.com';

/** The runbook section for an alert: GitHub's anchor of its `## AlertName` heading. */
export function runbookUrl(alertName: string): string {
  return `${RUNBOOKS}#${alertName.toLowerCase()}`;
}

export function dashboardUrl(dashboard: keyof typeof dashboardUids): string {
  return `${GRAFANA}/d/${dashboardUids[dashboard]}`;
}
