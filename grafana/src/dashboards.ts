// Every dashboard the project ships, by file name under grafana/dashboards/.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { apiVersionsDashboard } from './api-versions.ts';
import { flagsDashboard } from './flags.ts';
import { redDashboard } from './red.ts';
import { rolloutDashboard } from './rollout.ts';
import { runtimeDashboard } from './runtime.ts';
import { sloDashboard } from './slo.ts';

export const dashboards: Record<string, Dashboard> = {
  'red.json': redDashboard,
  'slo.json': sloDashboard,
  'runtime.json': runtimeDashboard,
  'rollout.json': rolloutDashboard,
  'flags.json': flagsDashboard,
  'api-versions.json': apiVersionsDashboard,
};
