// The guard's helm runner against the real helm binary (no cluster here: only the verbs that need
// none): it reads the project's chart as the canary action does before it upgrades, and a
// failing call rejects with helm's own message.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CHART, findHelm } from '../../../test/chart/helm.ts';
import { describeWithTool } from '../../../test/support/tools.ts';
import { chartId } from './canary-rollback.ts';
import { helmRunner } from './helm.ts';

describeWithTool(
  'helm',
  (binary) => {
    const helm = helmRunner(binary, 30_000);

    it('names the chart as `helm list` names a release’s chart: <name>-<version>', async () => {
      const chartYaml = readFileSync(join(CHART, 'Chart.yaml'), 'utf8');
      const version = /^version:\s*(\S+)/m.exec(chartYaml)?.[1];
      expect(chartId(await helm(['show', 'chart', CHART]))).toBe(`myapp-${version}`);
    });

    it('rejects with helm’s message when a call fails', async () => {
      await expect(helm(['show', 'chart', join(CHART, 'no-such-chart')])).rejects.toThrow(
        /helm show failed: .*no-such-chart/,
      );
    });
  },
  findHelm(),
);
