// The chart rendered by real helm over every documented configuration: lint, schema validation of
// every object (Kubernetes and CRD schemas pinned by the lock file), and the invariants that must
// hold for any values. The user's own commands render too. About 3 s (a helm run is ~60 ms).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/migrate-cli.ts';
import { describeWithTool } from '../support/tools.ts';
import { APP_VERSION, blueGreenCycle, MATRIX } from './cases.ts';
import { CHART, findHelm, parseManifests, renderChart, runHelm, setArgs } from './helm.ts';
import { allProblems, shutdownTiming } from './invariants.ts';

const ROOT = join(CHART, '..');

describeWithTool(
  'helm',
  (helm) => {
    it('is Helm 4', () => {
      expect(runHelm(helm, ['version', '--short'])).toMatch(/^v4\./);
    });

    describe.each(Object.entries(MATRIX))('with %s', (_name, values) => {
      it('passes helm lint --strict', () => {
        expect(runHelm(helm, ['lint', '--strict', CHART, ...setArgs(values)])).toMatch(
          /1 chart\(s\) linted, 0 chart\(s\) failed/,
        );
      });

      it('renders valid, hardened objects with safe shutdown timing and hooks', () => {
        const rendered = renderChart(helm, values);
        expect(rendered.ofKind('Deployment').length).toBeGreaterThan(0);
        expect(allProblems(rendered)).toEqual([]);
      });
    });

    it.each(blueGreenCycle().map((step) => [step.name, step.values] as const))(
      'renders valid objects in the blue-green step "%s"',
      (_name, values) => {
        expect(allProblems(renderChart(helm, values))).toEqual([]);
      },
    );

    it('renders every feature of the "every feature on" configuration', () => {
      const rendered = renderChart(helm, MATRIX['every feature on']);
      const kinds = new Set(rendered.objects.map((object) => object.kind));
      for (const kind of [
        'Deployment',
        'Service',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'ServiceAccount',
        'ConfigMap',
        'Secret',
        'NetworkPolicy',
        'Ingress',
        'HTTPRoute',
        'ServiceMonitor',
        'Job',
        'Pod',
      ])
        expect(kinds, kind).toContain(kind);
      const route = rendered.get('HTTPRoute', 'myapp');
      expect(route.spec.rules[0].backendRefs).toEqual([
        { name: 'myapp', port: 80, weight: 90 },
        { name: 'myapp-preview', port: 80, weight: 10 },
      ]);
    });

    it('derives the shutdown timing from shutdown.drainSeconds', () => {
      const timing = (values: Record<string, number>) =>
        shutdownTiming(renderChart(helm, values).get('Deployment', 'myapp-blue'));
      expect(timing({})).toEqual({
        preStopSeconds: 5,
        drainSeconds: 5,
        shutdownTimeoutSeconds: 15,
        graceSeconds: 25,
      });
      expect(
        timing({
          'shutdown.drainSeconds': 20,
          'shutdown.finishSeconds': 30,
          'shutdown.marginSeconds': 2,
        }),
      ).toEqual({
        preStopSeconds: 20,
        drainSeconds: 20,
        shutdownTimeoutSeconds: 50,
        graceSeconds: 72,
      });
    });

    it('leaves replicas to the HPA of each running colour, and keeps 0 on a scaled-down one', () => {
      const rendered = renderChart(helm, {
        ...MATRIX['HPA on'],
        strategy: 'bluegreen',
        'blueGreen.step': 'retire',
      });
      expect(rendered.get('Deployment', 'myapp-blue').spec).not.toHaveProperty('replicas');
      expect(rendered.get('Deployment', 'myapp-green').spec.replicas).toBe(0);
      expect(rendered.ofKind('HorizontalPodAutoscaler').map((hpa) => hpa.metadata.name)).toEqual([
        'myapp-blue',
      ]);
      expect(rendered.ofKind('PodDisruptionBudget').map((pdb) => pdb.metadata.name)).toEqual([
        'myapp-blue',
      ]);
      expect(rendered.get('PodDisruptionBudget', 'myapp-blue').spec.selector.matchLabels).toEqual(
        rendered.get('Deployment', 'myapp-blue').spec.selector.matchLabels,
      );
    });

    it('runs the migration CLI as hook Jobs with the right events, weights and images', () => {
      const hooks = (values: Record<string, unknown>) =>
        Object.fromEntries(
          renderChart(helm, values as never)
            .objects.filter((object) => object.metadata.annotations?.['helm.sh/hook'])
            .filter((object) => object.kind !== 'Pod')
            .map((object) => [
              `${object.kind}/${object.metadata.name}`,
              {
                events: object.metadata.annotations?.['helm.sh/hook'],
                weight: object.metadata.annotations?.['helm.sh/hook-weight'],
                ...(object.kind === 'Job' && {
                  image: object.spec.template.spec.containers[0].image,
                  args: object.spec.template.spec.containers[0].args,
                }),
              },
            ]),
        );
      const cycle = blueGreenCycle();
      const deployGreen = cycle.find((step) => step.name === 'deploy green')?.values ?? {};
      expect(hooks(deployGreen)).toEqual({
        'Secret/myapp-migrations': { events: 'pre-install,pre-upgrade', weight: '-10' },
        'Job/myapp-migrate-expand': {
          events: 'pre-install,pre-upgrade',
          weight: '-5',
          image: 'ghcr.io/example/myapp:9.2.0',
          args: ['expand'],
        },
        'Job/myapp-migrate-backfill': {
          events: 'pre-install,pre-upgrade',
          weight: '-4',
          image: 'ghcr.io/example/myapp:9.2.0',
          args: ['backfill'],
        },
      });
      const retireBlue = cycle.find((step) => step.name === 'retire blue')?.values ?? {};
      // The hook Secret exists in every hook phase that has a Job.
      expect(hooks(retireBlue)['Secret/myapp-migrations']?.events).toBe(
        'post-install,post-upgrade,pre-install,pre-upgrade',
      );
      expect(hooks(retireBlue)['Job/myapp-migrate-contract']).toEqual({
        events: 'post-install,post-upgrade',
        weight: '10',
        image: 'ghcr.io/example/myapp:9.2.0',
        args: ['contract'],
      });
      // The in-chart PostgreSQL does not exist before install: expand runs after it.
      expect(hooks({})['Job/myapp-migrate-expand']?.events).toBe('post-install,pre-upgrade');
      // An existing Secret needs no hook Secret; the embedded database needs no Jobs.
      expect(Object.keys(hooks(MATRIX.existingSecret ?? {}))).toEqual([
        'Job/myapp-migrate-expand',
        'Job/myapp-migrate-backfill',
        'Job/myapp-migrate-contract',
      ]);
      expect(hooks(MATRIX['embedded database'] ?? {})).toEqual({});
    });

    it('retries migration Jobs a disruption interrupted for free, and fails them at once on bad usage', async () => {
      // The exit code bad usage gets, from the CLI itself: the chart must name the same one.
      const usage = await runCli(['no-such-command'], {});
      const jobs = renderChart(helm, (MATRIX.existingSecret ?? {}) as never).objects.filter(
        (object) => object.kind === 'Job',
      );
      expect(jobs.map((job) => job.metadata.name)).toEqual([
        'myapp-migrate-expand',
        'myapp-migrate-backfill',
        'myapp-migrate-contract',
      ]);
      for (const job of jobs) {
        const pod = job.spec.template.spec;
        expect(pod.restartPolicy).toBe('Never'); // what a pod failure policy requires
        expect(job.spec.podFailurePolicy.rules).toEqual([
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
          {
            action: 'FailJob',
            onExitCodes: {
              containerName: pod.containers[0].name,
              operator: 'In',
              values: [usage.code],
            },
          },
        ]);
      }
      expect(usage.code).toBe(2);
    });

    it('points the alerts’ links at the runbooks and Grafana it is given, anchors and uids kept', () => {
      type Rule = { alert?: string; annotations?: Record<string, string> };
      const alerts = (values: Record<string, string>) =>
        renderChart(helm, { 'prometheusRule.enabled': true, ...values })
          .objects.filter((object) => object.kind === 'PrometheusRule')
          .flatMap((object) =>
            object.spec.groups.flatMap((group: { rules: Rule[] }) => group.rules),
          )
          .filter((rule: Rule) => rule.alert) as Rule[];
      const generated = alerts({});
      const moved = alerts({
        'prometheusRule.runbookUrl':
          'https://git.example.org/ops/myapp/-/blob/main/docs/runbooks.md',
        'prometheusRule.grafanaUrl': 'https://grafana.example.org/',
      });
      expect(generated.length).toBeGreaterThan(10);
      expect(moved.map((rule) => rule.alert)).toEqual(generated.map((rule) => rule.alert));
      moved.forEach((rule, index) => {
        const before = generated[index]?.annotations ?? {};
        expect(rule.annotations).toEqual({
          ...before,
          runbook_url: `https://git.example.org/ops/myapp/-/blob/main/docs/runbooks.md#${before.runbook_url?.split('#')[1]}`,
          dashboard_url: `https://grafana.example.org/d/${before.dashboard_url?.split('/d/')[1]}`,
        });
      });
    });

    it('answers `helm install myapp ./chart --dry-run=client` with the state and the next command', () => {
      const output = runHelm(helm, ['install', 'myapp', './chart', '--dry-run=client'], ROOT);
      expect(output).toContain('STATUS: pending-install');
      expect(output).toContain(`live:      blue = ghcr.io/example/myapp:${APP_VERSION}, 2 pods`);
      expect(output).toContain('--set strategy=bluegreen');
      const objects = parseManifests(output.slice(output.indexOf('---'), output.indexOf('NOTES:')));
      expect(objects.some((object) => object.kind === 'StatefulSet')).toBe(true);
    });

    it('renders the values of `helm upgrade myapp ./chart --set strategy=bluegreen` without touching blue', () => {
      const install = renderChart(helm, {});
      const upgrade = renderChart(helm, { strategy: 'bluegreen' });
      expect(upgrade.get('Deployment', 'myapp-blue')).toEqual(
        install.get('Deployment', 'myapp-blue'),
      );
      expect(upgrade.get('Deployment', 'myapp-green').spec.replicas).toBe(0);
      expect(upgrade.get('Service', 'myapp')).toEqual(install.get('Service', 'myapp'));
    });
  },
  findHelm(),
);
