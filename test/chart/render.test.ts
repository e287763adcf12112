// The chart rendered by real helm over every documented configuration: lint, schema validation of
// every object (Kubernetes and CRD schemas pinned by the lock file), and the invariants that must
// hold for any values. The user's own commands render too. About 3 s (a helm run is ~60 ms).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/migrate-cli.ts';
import { describeWithTool } from '../support/tools.ts';
import { APP_VERSION, blueGreenCycle, IMAGE, MATRIX } from './cases.ts';
import {
  CHART,
  findHelm,
  parseManifests,
  renderChart,
  runHelm,
  type SetValues,
  setArgs,
} from './helm.ts';
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

    it.each(blueGreenCycle().map((step) => [step.name, step] as const))(
      'renders valid objects in the blue-green step "%s"',
      (_name, step) => {
        expect(allProblems(renderChart(helm, step.values, step.args))).toEqual([]);
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
      expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'myapp', port: 80, weight: 100 }]);
    });

    it('counts rate limits per user behind an ingress or gateway, and shares them through Redis', () => {
      const env = (values: SetValues) =>
        Object.fromEntries(
          renderChart(helm, values)
            .get('Deployment', 'myapp-blue')
            .spec.template.spec.containers[0].env.map(
              (entry: { name: string; value?: string; valueFrom?: unknown }) => [
                entry.name,
                entry.value ?? entry.valueFrom,
              ],
            ),
        );
      // Behind one proxy every user would share the proxy's bucket: trust its X-Forwarded-For.
      expect(env(IMAGE).TRUST_PROXY_HOPS).toBe('0');
      expect(env({ ...IMAGE, 'ingress.enabled': true }).TRUST_PROXY_HOPS).toBe('1');
      expect(env({ ...MATRIX['every feature on'] }).TRUST_PROXY_HOPS).toBe('1');
      expect(
        env({ ...IMAGE, 'ingress.enabled': true, 'rateLimit.trustedProxyHops': 2 })
          .TRUST_PROXY_HOPS,
      ).toBe('2');
      const behind = env(MATRIX['external Redis behind an ingress'] ?? {});
      expect(behind).toMatchObject({
        RATE_LIMITS: 'v1=60,v2=600',
        RATE_LIMIT_WINDOW_MS: '60000',
        REDIS_URL: { secretKeyRef: { name: 'myapp-redis', key: 'REDIS_URL' } },
      });
      expect(env(IMAGE)).not.toHaveProperty('RATE_LIMITS'); // the app's own default
      expect(env({ ...IMAGE, 'redis.enabled': true }).REDIS_URL).toEqual({
        secretKeyRef: { name: 'myapp-redis', key: 'redis-url' },
      });
      // The NetworkPolicy lets the pods reach an external Redis (counting fails open otherwise).
      const policy = renderChart(helm, MATRIX['external Redis behind an ingress'] ?? {}).get(
        'NetworkPolicy',
        'myapp',
      );
      expect(policy.spec.egress).toContainEqual({
        ports: [{ port: 6379, protocol: 'TCP' }],
        to: [{ ipBlock: { cidr: '10.0.3.0/24' } }],
      });
    });

    it('lets only the release’s pods reach its development Unleash and Redis, and can open egress', () => {
      const rendered = renderChart(helm, MATRIX['dev dependencies on'] ?? {});
      for (const component of ['postgresql', 'unleash', 'redis']) {
        const policy = rendered.get('NetworkPolicy', `myapp-${component}`);
        expect(policy.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe(component);
        expect(policy.spec.ingress[0].from).toEqual([
          {
            podSelector: {
              matchLabels: {
                'app.kubernetes.io/name': 'myapp',
                'app.kubernetes.io/instance': 'myapp',
              },
            },
          },
        ]);
      }
      const open = renderChart(helm, { ...IMAGE, 'networkPolicy.allowExternalEgress': true });
      expect(open.get('NetworkPolicy', 'myapp').spec.egress[0]).toEqual({});
      expect(renderChart(helm, IMAGE).get('NetworkPolicy', 'myapp').spec.egress).not.toContainEqual(
        {},
      );
    });

    it('lets node drains evict unready pods, so a database incident does not block them', () => {
      const pdb = renderChart(helm, IMAGE).get('PodDisruptionBudget', 'myapp-blue');
      expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    });

    it('keeps the in-chart PostgreSQL’s name short enough for its controller-revision-hash label', () => {
      const release = 'a'.repeat(50);
      const rendered = parseManifests(
        runHelm(helm, ['template', release, CHART, ...setArgs(IMAGE)]),
      );
      const statefulSet = rendered.find((object) => object.kind === 'StatefulSet');
      // <name>-<10-character hash> must fit a 63-character label value.
      expect(statefulSet?.metadata.name.length).toBeLessThanOrEqual(52);
      expect(statefulSet?.metadata.name).toMatch(/-postgresql$/);
      const url = rendered.find(
        (object) =>
          object.metadata.name === `${statefulSet?.metadata.name}` && object.kind === 'Service',
      );
      expect(url).toBeDefined();
    });

    it('restarts no pod and changes no Deployment for a new chart version alone', () => {
      const deployment = renderChart(helm, IMAGE).get('Deployment', 'myapp-blue');
      expect(deployment.metadata.labels).not.toHaveProperty('helm.sh/chart');
      expect(deployment.spec.template.metadata.labels).not.toHaveProperty('helm.sh/chart');
      // The checksums follow the data the pods read: a config value changes them.
      const changed = renderChart(helm, { ...IMAGE, 'config.LOG_LEVEL': 'debug' }).get(
        'Deployment',
        'myapp-blue',
      );
      expect(changed.spec.template.metadata.annotations['checksum/config']).not.toBe(
        deployment.spec.template.metadata.annotations['checksum/config'],
      );
    });

    it('derives the shutdown timing from shutdown.drainSeconds', () => {
      const timing = (values: Record<string, number>) =>
        shutdownTiming(renderChart(helm, { ...IMAGE, ...values }).get('Deployment', 'myapp-blue'));
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

    it('leaves replicas to the HPA of each running colour, and removes a scaled-down one', () => {
      const rendered = renderChart(helm, {
        ...MATRIX['HPA on'],
        strategy: 'bluegreen',
        'blueGreen.step': 'retire',
        'blueGreen.blue.tag': APP_VERSION,
      });
      expect(rendered.get('Deployment', 'myapp-blue').spec).not.toHaveProperty('replicas');
      // Under server-side apply the HPA owns spec.replicas: a colour at 0 is removed, not set to 0.
      expect(rendered.ofKind('Deployment').map((deployment) => deployment.metadata.name)).toEqual([
        'myapp-blue',
      ]);
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

    it('runs the migration CLI as hook Jobs only when something is deployed, with their prerequisites first', () => {
      const hooks = (values: SetValues, args: string[] = ['--is-upgrade']) =>
        Object.fromEntries(
          renderChart(helm, values, args)
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
                  serviceAccount: object.spec.template.spec.serviceAccountName,
                }),
              },
            ]),
        );
      const step = (name: string) => {
        const found = blueGreenCycle().find((candidate) => candidate.name === name);
        if (!found) throw new Error(`no step ${name}`);
        return found.values;
      };
      const prerequisites = (events: string) => ({
        'ServiceAccount/myapp-migrations': { events, weight: '-10' },
        'Secret/myapp-migrations': { events, weight: '-10' },
      });
      const job = (name: string, events: string, weight: string, tag: string) => ({
        [`Job/myapp-migrate-${name}`]: {
          events,
          weight,
          image: `registry.example.com/myapp:${tag}`,
          args: [name],
          serviceAccount: 'myapp-migrations',
        },
      });
      expect(hooks(step('deploy green'))).toEqual({
        ...prerequisites('pre-install,pre-upgrade'),
        ...job('expand', 'pre-install,pre-upgrade', '-5', '9.2.0'),
        ...job('backfill', 'pre-install,pre-upgrade', '-4', '9.2.0'),
      });
      // A promote, a rollback flip and a retire deploy nothing: no Job may need the database.
      expect(hooks(step('promote green'))).toEqual({});
      expect(hooks({ ...step('promote green'), 'blueGreen.activeColor': 'blue' })).toEqual({});
      expect(hooks({ ...step('retire blue'), 'migrations.contract.run': false })).toEqual({});
      expect(hooks(step('retire blue'))).toEqual({
        ...prerequisites('post-install,post-upgrade'),
        ...job('contract', 'post-install,post-upgrade', '10', '9.2.0'),
      });
      // Rolling upgrades and the first install always deploy.
      expect(Object.keys(hooks(MATRIX['external database URL'] ?? {}))).toHaveLength(4);
      expect(Object.keys(hooks(step('switch to bluegreen'), []))).toHaveLength(4);
      // The in-chart PostgreSQL exists before upgrades only.
      expect(hooks(IMAGE)['Job/myapp-migrate-expand']?.events).toBe('pre-upgrade');
      // An existing Secret and ServiceAccount need no hook copies; the embedded database no Jobs.
      expect(
        Object.keys(hooks({ ...MATRIX.existingSecret, 'serviceAccount.create': false })),
      ).toEqual([
        'Job/myapp-migrate-expand',
        'Job/myapp-migrate-backfill',
        'Job/myapp-migrate-contract',
      ]);
      expect(hooks(MATRIX['embedded database'] ?? {})).toEqual({});
    });

    it('migrates the first install on the in-chart PostgreSQL beside it, so `helm install --wait` and Argo CD finish', () => {
      const install = renderChart(helm, IMAGE);
      // Nothing the pods need to become ready may wait for a post-install hook: --wait waits for
      // the pods before it runs post-install hooks, and Argo CD's PostSync waits for health.
      const postInstall = install.objects.filter((object) =>
        object.metadata.annotations?.['helm.sh/hook']?.split(',').includes('post-install'),
      );
      expect(postInstall.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([]);
      const job = install.get('Job', 'myapp-migrate-install');
      expect(job.metadata.annotations).toEqual({
        'argocd.argoproj.io/hook': 'Sync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
        'argocd.argoproj.io/sync-wave': '-5',
      });
      const pod = job.spec.template.spec;
      expect(pod.initContainers.map((container: { args: string[] }) => container.args)).toEqual([
        ['expand'],
      ]);
      expect(pod.containers.map((container: { args: string[] }) => container.args)).toEqual([
        ['backfill'],
      ]);
      // Argo CD: the database's wave first, then the Job, then the app (wave 0).
      // It runs as the app's ServiceAccount with the database's own Secret: release objects,
      // created before it by Helm, and in Argo CD's wave -10 with the database.
      expect(pod.serviceAccountName).toBe('myapp');
      expect(pod.containers[0].env).toContainEqual({
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'myapp-postgresql', key: 'database-url' } },
      });
      for (const [kind, name] of [
        ['Secret', 'myapp-postgresql'],
        ['Service', 'myapp-postgresql'],
        ['StatefulSet', 'myapp-postgresql'],
        ['ServiceAccount', 'myapp'],
      ] as const)
        expect(
          install.get(kind, name).metadata.annotations?.['argocd.argoproj.io/sync-wave'],
          `${kind}/${name}`,
        ).toBe('-10');
      expect(install.objects.map((object) => object.metadata.name)).not.toContain(
        'myapp-migrations',
      );
      expect(
        renderChart(helm, IMAGE, ['--is-upgrade'])
          .ofKind('Job')
          .map((j) => j.metadata.name),
      ).toEqual(['myapp-migrate-expand', 'myapp-migrate-backfill']);
    });

    it('deletes the hook Secret holding the database URL whether the hooks succeed or fail', () => {
      const secret = renderChart(helm, MATRIX['external database URL'] ?? {}).get(
        'Secret',
        'myapp-migrations',
      );
      expect(
        secret.metadata.annotations?.['helm.sh/hook-delete-policy']?.split(',').sort(),
      ).toEqual(['before-hook-creation', 'hook-failed', 'hook-succeeded']);
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
            // Every container: an init container's bad usage fails the Job too.
            onExitCodes: { operator: 'In', values: [usage.code] },
          },
        ]);
      }
      expect(usage.code).toBe(2);
    });

    it('points the alerts’ links at the runbooks and Grafana it is given, anchors and uids kept', () => {
      type Rule = { alert?: string; annotations?: Record<string, string> };
      const alerts = (values: Record<string, string>) =>
        renderChart(helm, { ...IMAGE, 'prometheusRule.enabled': true, ...values })
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

    it('answers `helm install myapp ./chart --dry-run=client --set image.repository=myapp` with the state and the next command', () => {
      const output = runHelm(
        helm,
        ['install', 'myapp', './chart', '--dry-run=client', '--set', 'image.repository=myapp'],
        ROOT,
      );
      expect(output).toContain('STATUS: pending-install');
      expect(output).toContain(`live:      blue = myapp:${APP_VERSION}, 2 pods`);
      expect(output).toContain(`--set strategy=bluegreen --set blueGreen.blue.tag=${APP_VERSION}`);
      const objects = parseManifests(output.slice(output.indexOf('---'), output.indexOf('NOTES:')));
      expect(objects.some((object) => object.kind === 'StatefulSet')).toBe(true);
    });

    it('renders `helm upgrade myapp ./chart --set strategy=bluegreen --set blueGreen.blue.tag=<its tag>` without touching blue', () => {
      const install = renderChart(helm, IMAGE);
      const upgrade = renderChart(
        helm,
        { ...IMAGE, strategy: 'bluegreen', 'blueGreen.blue.tag': APP_VERSION },
        ['--is-upgrade'],
      );
      expect(upgrade.get('Deployment', 'myapp-blue')).toEqual(
        install.get('Deployment', 'myapp-blue'),
      );
      expect(upgrade.get('Deployment', 'myapp-green').spec.replicas).toBe(0);
      expect(upgrade.get('Service', 'myapp')).toEqual(install.get('Service', 'myapp'));
    });
  },
  findHelm(),
);
