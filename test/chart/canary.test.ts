// The canary step, rendered by real helm: the new colour gets blueGreen.canaryWeight percent of
// real traffic through the HTTPRoute's weights or ingress-nginx's canary Ingress, the live colour
// is rendered exactly as in the deploy step, the analysis Job judges the canary after the upgrade
// with the spec generated from the SLOs, and the guards refuse what cannot be weighted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rolloutStateGroup, trafficShares } from '../../alerts/rollout-state.ts';
import { CANARY_SPEC, ROOT } from '../../scripts/generated.ts';
import { describeWithTool } from '../support/tools.ts';
import { IMAGE } from './cases.ts';
import { CHART, findHelm, renderChart, runHelm, type SetValues, setArgs } from './helm.ts';

const deployed: SetValues = {
  ...IMAGE,
  'postgresql.enabled': false,
  'externalDatabase.url': 'postgresql://myapp:secret@db.example.com:5432/myapp',
  strategy: 'bluegreen',
  'blueGreen.blue.tag': '9.1.0',
  'blueGreen.green.tag': '9.2.0',
  'blueGreen.green.replicas': null,
  'blueGreen.step': 'deploy',
};
const gateway: SetValues = { 'httpRoute.enabled': true, 'httpRoute.parentRefs[0].name': 'public' };
const canary = (weight: number, extra: SetValues = {}): SetValues => ({
  ...deployed,
  'blueGreen.step': 'canary',
  'blueGreen.canaryWeight': weight,
  ...extra,
});
const UPGRADE = ['--is-upgrade'];

describeWithTool(
  'helm',
  (helm) => {
    const render = (values: SetValues) => renderChart(helm, values, UPGRADE);
    const refusal = (values: SetValues) => {
      try {
        render(values);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('rendered, but should have been refused');
    };

    it('weights the HTTPRoute: the main Service keeps 100 - w percent, the preview Service gets w', () => {
      const route = render(canary(5, gateway)).get('HTTPRoute', 'myapp');
      expect(route.spec.rules[0].backendRefs).toEqual([
        { name: 'myapp', port: 80, weight: 95 },
        { name: 'myapp-preview', port: 80, weight: 5 },
      ]);
      const preview = render(canary(5, gateway)).get('Service', 'myapp-preview');
      expect(preview.spec.selector.colour).toBe('green');
    });

    it('marks a second Ingress as ingress-nginx canary to the preview Service, with header routing', () => {
      const rendered = render(canary(25, { 'ingress.enabled': true }));
      const main = rendered.get('Ingress', 'myapp');
      const weighted = rendered.get('Ingress', 'myapp-canary');
      expect(weighted.metadata.annotations).toMatchObject({
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight': '25',
        'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
      });
      expect(main.metadata.annotations?.['nginx.ingress.kubernetes.io/canary']).toBeUndefined();
      const backends = (ingress: typeof main) =>
        ingress.spec.rules.flatMap((rule: { http: { paths: { backend: unknown }[] } }) =>
          rule.http.paths.map((path) => path.backend),
        );
      expect(backends(weighted)).toEqual([
        { service: { name: 'myapp-preview', port: { name: 'http' } } },
      ]);
      expect(backends(main)).toEqual([{ service: { name: 'myapp', port: { name: 'http' } } }]);
    });

    it('changes no Deployment from the deploy step: the weight lives in the router alone', () => {
      const deploy = render({ ...deployed, ...gateway });
      const weighted = render(canary(50, gateway));
      for (const colour of ['blue', 'green'])
        expect(weighted.get('Deployment', `myapp-${colour}`)).toEqual(
          deploy.get('Deployment', `myapp-${colour}`),
        );
    });

    it('weights nothing in any other step, even with a canaryWeight left over in values', () => {
      for (const step of ['deploy', 'promote', 'retire']) {
        const values = {
          ...canary(50, { ...gateway, 'ingress.enabled': true }),
          'blueGreen.step': step,
          ...(step === 'promote' ? { 'blueGreen.activeColor': 'green' } : {}),
          ...(step === 'retire' ? { 'blueGreen.green.replicas': 0 } : {}),
        };
        const rendered = render(values);
        expect(rendered.get('HTTPRoute', 'myapp').spec.rules[0].backendRefs, step).toHaveLength(1);
        expect(
          rendered.ofKind('Ingress').map((ingress) => ingress.metadata.name),
          step,
        ).toEqual(['myapp']);
      }
    });

    it('runs the analysis after the upgrade, on the stable image, with the spec made from the SLOs', () => {
      const rendered = render(
        canary(5, {
          ...gateway,
          'analysis.enabled': true,
          'analysis.prometheusUrl': 'http://prometheus:9090',
          'analysis.durationSeconds': 600,
        }),
      );
      const job = rendered.get('Job', 'myapp-canary-analysis');
      expect(job.metadata.annotations?.['helm.sh/hook']).toBe('post-upgrade');
      const container = job.spec.template.spec.containers[0];
      expect(container.image).toBe('registry.example.com/myapp:9.1.0');
      expect(container.command).toEqual(['node', 'app/rollout/main.ts']);
      const env = Object.fromEntries(
        container.env.map((entry: { name: string; value: string }) => [entry.name, entry.value]),
      );
      expect(env).toMatchObject({
        PROMETHEUS_URL: 'http://prometheus:9090',
        CANARY_COLOUR: 'green',
        STABLE_COLOUR: 'blue',
        ANALYSIS_DURATION_MS: '600000',
        ANALYSIS_SPEC_FILE: '/etc/myapp/analysis/canary.json',
      });
      expect(job.spec.activeDeadlineSeconds).toBe(720);
      const spec = rendered.get('ConfigMap', 'myapp-canary-analysis').data['canary.json'];
      expect(JSON.parse(spec)).toEqual(JSON.parse(readFileSync(join(ROOT, CANARY_SPEC), 'utf8')));
    });

    it('records the deployed split for Prometheus, in the shape the dashboard and alerts read', () => {
      const rules = (values: SetValues) =>
        render({ ...values, 'prometheusRule.enabled': true }).get(
          'PrometheusRule',
          'myapp-rollout-state',
        ).spec.groups;
      expect(rules(canary(5, gateway))).toEqual([
        rolloutStateGroup(trafficShares({ active: 'blue', idle: 'green', canaryWeight: 5 })),
      ]);
      // Deploy step, and after promote: only the stable colour is weighted, so no canary alert.
      expect(rules({ ...deployed, ...gateway })).toEqual([
        rolloutStateGroup(trafficShares({ active: 'blue', idle: 'green', canaryWeight: 0 })),
      ]);
      expect(
        rules({
          ...canary(25, gateway),
          'blueGreen.step': 'promote',
          'blueGreen.activeColor': 'green',
        }),
      ).toEqual([
        rolloutStateGroup(trafficShares({ active: 'green', idle: 'blue', canaryWeight: 0 })),
      ]);
    });

    it('moves the weight without touching a pod template', () => {
      const at = (weight: number) =>
        render({ ...canary(weight, gateway), 'prometheusRule.enabled': true });
      for (const colour of ['blue', 'green'])
        expect(at(50).get('Deployment', `myapp-${colour}`)).toEqual(
          at(5).get('Deployment', `myapp-${colour}`),
        );
    });

    it('runs no analysis outside the canary step', () => {
      const rendered = render({
        ...deployed,
        'analysis.enabled': true,
        'analysis.prometheusUrl': 'http://prometheus:9090',
      });
      expect(rendered.ofKind('Job').map((job) => job.metadata.name)).not.toContain(
        'myapp-canary-analysis',
      );
    });

    describe('guards', () => {
      it('refuses a canary behind a plain Service, which cannot weight traffic', () => {
        expect(refusal(canary(5))).toMatch(/a canary needs a router that weights traffic/);
      });

      it.each([0, 100])(
        'refuses canaryWeight=%d: 0 is the deploy step, 100 is promote',
        (weight) => {
          expect(refusal(canary(weight, gateway))).toMatch(
            /canaryWeight=\d+: the canary step sends 1 to 99/,
          );
        },
      );

      it('refuses a canary to a colour that does not run', () => {
        expect(refusal(canary(5, { ...gateway, 'blueGreen.green.replicas': 0 }))).toMatch(
          /the canary step runs the new version on the idle colour green, which has 0 replicas/,
        );
      });

      it('refuses a canary through an HTTPRoute that only reaches the edge tier', () => {
        expect(refusal(canary(5, { ...gateway, 'edge.enabled': true }))).toMatch(
          /the canary would get no traffic/,
        );
        // ingress-nginx's canary Ingress goes to the preview Service, past the edge tier.
        const weighted = render(canary(5, { 'ingress.enabled': true, 'edge.enabled': true }));
        expect(weighted.get('Ingress', 'myapp-canary').spec.rules[0].http.paths[0].backend).toEqual(
          { service: { name: 'myapp-preview', port: { name: 'http' } } },
        );
      });

      it('refuses two weights at once', () => {
        expect(refusal(canary(5, { ...gateway, 'httpRoute.previewWeight': 10 }))).toMatch(
          /would both weight traffic/,
        );
      });

      it('refuses an analysis without Prometheus', () => {
        expect(refusal(canary(5, { ...gateway, 'analysis.enabled': true }))).toMatch(
          /analysis.enabled needs analysis.prometheusUrl/,
        );
      });
    });

    it('prints the next weight and the commands that roll back by themselves', () => {
      const output = runHelm(helm, [
        'install',
        'myapp',
        CHART,
        '--dry-run=client',
        ...setArgs(
          canary(5, {
            ...gateway,
            'analysis.enabled': true,
            'analysis.prometheusUrl': 'http://p:9090',
          }),
        ),
      ]);
      const notes = output.slice(output.indexOf('NOTES:'));
      const upgrade = 'helm upgrade myapp ./chart --namespace default --reset-then-reuse-values';
      expect(notes).toContain('green (9.2.0) gets 5% of real traffic (HTTPRoute weights)');
      expect(notes).toContain(
        `${upgrade} --set blueGreen.step=canary --set blueGreen.canaryWeight=25 --rollback-on-failure --wait --timeout 600s`,
      );
      expect(notes).toContain(
        `${upgrade} --set blueGreen.step=promote --set blueGreen.activeColor=green --set blueGreen.canaryWeight=0`,
      );
      expect(notes).toContain('kubectl --namespace default logs job/myapp-canary-analysis');
      expect(notes).toContain(
        `${upgrade} --no-hooks --set blueGreen.step=deploy --set blueGreen.canaryWeight=0`,
      );
    });
  },
  findHelm(),
);
