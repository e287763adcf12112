// The alert rules and dashboards the chart ships are copies of the project's alerts/ and grafana/
// (Helm reads only files inside the chart; test/generated.test.ts keeps them identical to their
// sources), and each becomes one object. Works with whatever those folders hold, including nothing.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { plannedCopies } from '../../scripts/sync-chart-assets.ts';
import { describeWithTool } from '../support/tools.ts';
import { IMAGE } from './cases.ts';
import { CHART, findHelm, renderChart } from './helm.ts';

const ROOT = join(CHART, '..');

describeWithTool(
  'helm',
  (helm) => {
    it('renders one PrometheusRule per rule file, with its groups unchanged and configurable labels', async () => {
      const copies = (await plannedCopies()).filter((copy) => copy.target.includes('/alerts/'));
      const rendered = renderChart(helm, {
        ...IMAGE,
        'prometheusRule.enabled': true,
        'prometheusRule.labels.release': 'kps',
      }).ofKind('PrometheusRule');
      // Besides the copies, the rollout state recorded from values (test/chart/canary.test.ts).
      const state = rendered.find((rule) => rule.metadata.name === 'myapp-rollout-state');
      expect(state?.metadata.labels?.release).toBe('kps');
      const rules = rendered.filter((rule) => rule !== state);
      expect(rules).toHaveLength(copies.length);
      for (const copy of copies) {
        const name = `myapp-${basename(copy.target, '.yaml').replaceAll('.', '-').toLowerCase()}`;
        const rule = rules.find((candidate) => candidate.metadata.name === name);
        expect(rule, name).toBeDefined();
        expect(rule?.metadata.labels?.release).toBe('kps');
        const source = parse(await readFile(join(ROOT, copy.source), 'utf8'));
        expect(rule?.spec.groups).toEqual(source.groups);
      }
      expect(renderChart(helm, IMAGE).ofKind('PrometheusRule')).toEqual([]);
    });

    it('renders one dashboard ConfigMap per dashboard, with the sidecar label and folder annotation', async () => {
      const copies = (await plannedCopies()).filter((copy) => copy.target.includes('/dashboards/'));
      const maps = renderChart(helm, {
        ...IMAGE,
        'grafanaDashboards.label': 'dashboards',
        'grafanaDashboards.labelValue': 'yes',
        'grafanaDashboards.folderAnnotation': 'k8s-sidecar-target-directory',
        'grafanaDashboards.folder': 'Shop',
      })
        .ofKind('ConfigMap')
        .filter((map) => map.metadata.labels?.dashboards === 'yes');
      expect(maps).toHaveLength(copies.length);
      for (const copy of copies) {
        const file = basename(copy.target);
        const map = maps.find((candidate) => file in (candidate.data ?? {}));
        expect(map, file).toBeDefined();
        expect(map?.metadata.annotations).toEqual({ 'k8s-sidecar-target-directory': 'Shop' });
        expect(JSON.parse(map?.data[file])).toEqual(JSON.parse(copy.text));
      }
      const off = renderChart(helm, { ...IMAGE, 'grafanaDashboards.enabled': false }).ofKind(
        'ConfigMap',
      );
      expect(off.map((map) => map.metadata.name)).toEqual(['myapp']);
    });
  },
  findHelm(),
);
