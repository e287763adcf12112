// The strategy switch and the blue-green state machine, rendered by real helm: names and
// selectors never change, promote changes Service selectors only, and the guards refuse
// impossible steps with messages that say what to set. About 3 s.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { describeWithTool } from '../support/tools.ts';
import { APP_VERSION, blueGreenCycle, IMAGE, MATRIX, type Step } from './cases.ts';
import {
  CHART,
  findHelm,
  type K8sObject,
  parseManifests,
  type Rendered,
  renderChart,
  runHelm,
  type SetValues,
  setArgs,
} from './helm.ts';

const SELECTOR_KEYS = [
  'app.kubernetes.io/component',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/name',
  'colour',
];

/** Objects other than hooks and test pods, by kind/name, for comparing two renders. */
function releaseObjects(rendered: Rendered): Map<string, K8sObject> {
  return new Map(
    rendered.objects
      .filter((object) => !object.metadata.annotations?.['helm.sh/hook'])
      .map((object) => [`${object.kind}/${object.metadata.name}`, object]),
  );
}

describeWithTool(
  'helm',
  (helm) => {
    const cycle: (Step & { rendered: Rendered })[] = blueGreenCycle().map((step) => ({
      ...step,
      rendered: renderChart(helm, step.values, step.args),
    }));
    const at = (name: string) => {
      const step = cycle.find((candidate) => candidate.name === name);
      if (!step) throw new Error(`no step ${name}`);
      return step.rendered;
    };

    it('names each colour myapp-<colour> with a selector that never changes, in every step', () => {
      for (const { name, rendered } of cycle) {
        for (const deployment of rendered.ofKind('Deployment')) {
          const colour = deployment.metadata.labels?.colour;
          expect(deployment.metadata.name, name).toBe(`myapp-${colour}`);
          expect(deployment.spec.selector, name).toEqual({
            matchLabels: {
              'app.kubernetes.io/component': 'api',
              'app.kubernetes.io/instance': 'myapp',
              'app.kubernetes.io/name': 'myapp',
              colour,
            },
          });
          expect(Object.keys(deployment.spec.selector.matchLabels).sort()).toEqual(SELECTOR_KEYS);
        }
      }
    });

    it('switches rolling → bluegreen → rolling without changing the live Deployment', () => {
      const rolling = at('rolling install');
      const switched = at('switch to bluegreen');
      expect(switched.get('Deployment', 'myapp-blue')).toEqual(
        rolling.get('Deployment', 'myapp-blue'),
      );
      expect(switched.get('Service', 'myapp')).toEqual(rolling.get('Service', 'myapp'));
      expect(rolling.ofKind('Deployment').map((d) => d.metadata.name)).toEqual(['myapp-blue']);
      expect(switched.get('Deployment', 'myapp-green').spec.replicas).toBe(0);

      const back = at('switch back to rolling');
      expect(back.get('Deployment', 'myapp-blue')).toEqual(
        at('retire green').get('Deployment', 'myapp-blue'),
      );
      expect(back.ofKind('Deployment').map((d) => d.metadata.name)).toEqual(['myapp-blue']);
    });

    it('deploys the new version on the idle colour, reachable through the preview Service only', () => {
      const deploy = at('deploy green');
      const image = (name: string) =>
        deploy.get('Deployment', name).spec.template.spec.containers[0].image;
      expect(image('myapp-blue')).toBe(`registry.example.com/myapp:${APP_VERSION}`);
      expect(image('myapp-green')).toBe('registry.example.com/myapp:9.2.0');
      expect(deploy.get('Deployment', 'myapp-green').spec.replicas).toBe(2);
      expect(deploy.get('Service', 'myapp').spec.selector.colour).toBe('blue');
      expect(deploy.get('Service', 'myapp-preview').spec.selector.colour).toBe('green');
      const testPod = deploy.get('Pod', 'myapp-test-preview');
      expect(testPod.spec.containers[0].image).toBe('registry.example.com/myapp:9.2.0');
      expect(testPod.spec.containers[0].env).toContainEqual({
        name: 'TARGET',
        value: 'http://myapp-preview:80',
      });
    });

    it('leaves the live colour byte-identical when the next chart version (new version and appVersion) deploys', () => {
      // The next chart release, as a user would get it: the same templates, a bumped Chart.yaml.
      const next = mkdtempSync(join(tmpdir(), 'myapp-chart-'));
      try {
        cpSync(CHART, next, { recursive: true });
        const chartYaml = join(next, 'Chart.yaml');
        const chart = parse(readFileSync(chartYaml, 'utf8'));
        writeFileSync(chartYaml, stringify({ ...chart, version: '9.9.9', appVersion: '9.9.9' }));
        const before = at('switch to bluegreen');
        const steady = cycle.find((step) => step.name === 'switch to bluegreen');
        const deploy = parseManifests(
          runHelm(helm, [
            'template',
            'myapp',
            next,
            '--namespace',
            'shop',
            '--is-upgrade',
            ...setArgs({
              ...steady?.values,
              'blueGreen.step': 'deploy',
              'blueGreen.green.tag': '9.9.9',
              'blueGreen.green.replicas': null,
            }),
          ]),
        );
        const live = deploy.find(
          (o) => o.kind === 'Deployment' && o.metadata.name === 'myapp-blue',
        );
        expect(stringify(live)).toBe(stringify(before.get('Deployment', 'myapp-blue')));
        const green = deploy.find(
          (o) => o.kind === 'Deployment' && o.metadata.name === 'myapp-green',
        );
        expect(green?.spec.template.spec.containers[0].image).toBe(
          'registry.example.com/myapp:9.9.9',
        );
      } finally {
        rmSync(next, { recursive: true, force: true });
      }
    });

    it('promotes by changing the Service selectors and nothing else', () => {
      const deploy = releaseObjects(at('deploy green'));
      const promote = releaseObjects(at('promote green'));
      expect([...promote.keys()].sort()).toEqual([...deploy.keys()].sort());
      const changed = [...promote.keys()].filter(
        (key) => JSON.stringify(promote.get(key)) !== JSON.stringify(deploy.get(key)),
      );
      expect(changed.sort()).toEqual(['Service/myapp', 'Service/myapp-preview']);
      expect(promote.get('Service/myapp')?.spec.selector.colour).toBe('green');
      expect(promote.get('Service/myapp-preview')?.spec.selector.colour).toBe('blue');
    });

    it('retires the old colour to 0 and points preview back at the live one', () => {
      const retire = at('retire blue');
      expect(retire.get('Deployment', 'myapp-blue').spec.replicas).toBe(0);
      expect(retire.get('Deployment', 'myapp-green').spec.replicas).toBe(2);
      expect(retire.get('Service', 'myapp-preview').spec.selector.colour).toBe('green');
      expect(retire.ofKind('Job').map((job) => job.metadata.name)).toContain(
        'myapp-migrate-contract',
      );
      for (const { name, rendered } of cycle.filter((step) => step.name !== 'retire blue'))
        expect(
          rendered.ofKind('Job').map((job) => job.metadata.name),
          name,
        ).not.toContain('myapp-migrate-contract');
    });

    describe('guards', () => {
      const bluegreen = {
        ...MATRIX['external database URL'],
        strategy: 'bluegreen',
        'blueGreen.blue.tag': APP_VERSION,
        'blueGreen.green.tag': '9.2.0',
      };
      const refused = (values: SetValues): string => {
        try {
          renderChart(helm, values);
        } catch (error) {
          return (error as Error).message;
        }
        throw new Error(`rendered: ${JSON.stringify(values)}`);
      };

      it.each<[string, SetValues, RegExp]>([
        [
          'a promotion to a colour with zero replicas',
          { ...bluegreen, 'blueGreen.activeColor': 'green' },
          /the active colour green has 0 replicas.*blueGreen\.green\.replicas/,
        ],
        [
          'an active colour scaled to zero (rolling)',
          { ...IMAGE, 'blueGreen.blue.replicas': 0 },
          /the active colour blue has 0 replicas/,
        ],
        [
          'a deploy step with no pods on the idle colour',
          { ...bluegreen, 'blueGreen.step': 'deploy' },
          /deploy step runs the new version on the idle colour green, which has 0 replicas.*blueGreen\.green\.replicas=<n>/,
        ],
        [
          'a promote step that scales the old colour down',
          {
            ...bluegreen,
            'blueGreen.step': 'promote',
            'blueGreen.activeColor': 'green',
            'blueGreen.green.replicas': 2,
            'blueGreen.blue.replicas': 0,
          },
          /promote keeps the previous colour blue warm/,
        ],
        [
          'a retire step with the idle colour still running',
          { ...bluegreen, 'blueGreen.step': 'retire', 'blueGreen.green.replicas': 2 },
          /retire scales the idle colour green down, but it has 2 replicas: set blueGreen\.green\.replicas=0/,
        ],
        [
          'a contract migration while both colours run',
          {
            ...bluegreen,
            'blueGreen.step': 'promote',
            'blueGreen.activeColor': 'green',
            'blueGreen.green.replicas': 2,
            'migrations.contract.run': true,
          },
          /no contract migration while both colours run: blue \(\S+\) may still use what contract removes/,
        ],
        [
          'more than one pod on the embedded database',
          { ...IMAGE, 'postgresql.enabled': false, embeddedDatabase: true },
          /embedded database .* lives inside one pod/,
        ],
        [
          'no database at all',
          { ...IMAGE, 'postgresql.enabled': false },
          /no database\. Set externalDatabase\.existingSecret/,
        ],
        [
          'two databases',
          { ...IMAGE, 'externalDatabase.url': 'postgresql://u:p@db:5432/x' },
          /choose one database/,
        ],
        [
          'a shutdown variable in config',
          { ...IMAGE, 'config.DRAIN_DELAY_MS': 'soon' },
          /config\.DRAIN_DELAY_MS is set by the chart itself/,
        ],
        [
          'a repeated environment variable',
          { ...IMAGE, 'extraEnv[0].name': 'SHUTDOWN_TIMEOUT_MS', 'extraEnv[0].value': 'never' },
          /the environment variable SHUTDOWN_TIMEOUT_MS is set twice/,
        ],
        [
          'an extraEnv variable that config sets too',
          { ...IMAGE, 'extraEnv[0].name': 'LOG_LEVEL', 'extraEnv[0].value': 'debug' },
          /the environment variable LOG_LEVEL is set twice/,
        ],
        [
          'a finish time shorter than the request timeout',
          { ...IMAGE, 'shutdown.finishSeconds': 3 },
          /shutdown\.finishSeconds=3 is shorter than REQUEST_TIMEOUT_MS=10000.*at least 10/,
        ],
        [
          'an unknown strategy (schema)',
          { strategy: 'canary' },
          /at '\/strategy': value must be one of 'rolling', 'bluegreen'/,
        ],
        [
          'an unknown colour (schema)',
          { 'blueGreen.activeColor': 'red' },
          /at '\/blueGreen\/activeColor': value must be one of 'blue', 'green'/,
        ],
        [
          'replicas as words (schema)',
          { replicaCount: 'three' },
          /at '\/replicaCount': got string, want integer/,
        ],
        [
          'an unknown key (schema)',
          { replicas: 3 },
          /additional properties 'replicas' not allowed/,
        ],
        [
          'no image repository, with how to build and load one',
          {},
          /image\.repository is empty, and no public image of myapp exists.*\n {2}docker build -t myapp:\S+ \.\n {2}kind load docker-image myapp:\S+ .*\n {2}helm install myapp \.\/chart --set image\.repository=myapp --set image\.tag=/,
        ],
        [
          'a running blue-green colour without a tag of its own',
          { ...bluegreen, 'blueGreen.blue.tag': '', 'image.tag': '9.1.0' },
          /blue-green keeps each running colour's image in values.*set blueGreen\.blue\.tag/,
        ],
        [
          'a preview weight in the deploy step',
          {
            ...bluegreen,
            'blueGreen.step': 'deploy',
            'blueGreen.green.replicas': 2,
            'httpRoute.enabled': true,
            'httpRoute.parentRefs[0].name': 'public',
            'httpRoute.previewWeight': 10,
          },
          /httpRoute\.previewWeight=10 would send real users to green before it is tested/,
        ],
        [
          'an HPA without a target',
          {
            ...bluegreen,
            'autoscaling.enabled': true,
            'autoscaling.targetCPUUtilizationPercentage': null,
          },
          /neither targetCPUUtilizationPercentage nor targetMemoryUtilizationPercentage/,
        ],
        [
          'two Redis',
          { ...bluegreen, 'redis.enabled': true, 'externalRedis.url': 'redis://r:6379' },
          /choose one Redis/,
        ],
      ])('refuses %s', (_name, values, message) => {
        expect(refused(values)).toMatch(message);
      });
    });

    it('starts a new autoscaled colour at the size it is given, so promoting it does not start at the floor', () => {
      const values = {
        ...MATRIX['HPA on'],
        strategy: 'bluegreen',
        'blueGreen.step': 'deploy',
        'blueGreen.blue.tag': APP_VERSION,
        'blueGreen.green.tag': '9.2.0',
        'blueGreen.green.replicas': 7,
      };
      const rendered = renderChart(helm, values, ['--is-upgrade']);
      expect(rendered.get('HorizontalPodAutoscaler', 'myapp-green').spec.minReplicas).toBe(7);
      expect(rendered.get('HorizontalPodAutoscaler', 'myapp-blue').spec.minReplicas).toBe(2);
      expect(rendered.get('Deployment', 'myapp-green').spec).not.toHaveProperty('replicas');
    });

    it('weights a share of Gateway traffic to the warm colour while promoting, and says to reset it', () => {
      const step = cycle.find((candidate) => candidate.name === 'promote green');
      const values = {
        ...step?.values,
        'httpRoute.enabled': true,
        'httpRoute.parentRefs[0].name': 'public',
        'httpRoute.previewWeight': 10,
      };
      const route = renderChart(helm, values, ['--is-upgrade']).get('HTTPRoute', 'myapp');
      expect(route.spec.rules[0].backendRefs).toEqual([
        { name: 'myapp', port: 80, weight: 90 },
        { name: 'myapp-preview', port: 80, weight: 10 },
      ]);
      const output = runHelm(helm, [
        'install',
        'myapp',
        CHART,
        '--dry-run=client',
        ...setArgs(values),
      ]);
      expect(output).toContain(
        'httpRoute.previewWeight=10 sends that share to blue; set it back to 0',
      );
    });

    describe('NOTES.txt', () => {
      const notes = (values: SetValues) => {
        const output = runHelm(helm, [
          'install',
          'myapp',
          CHART,
          '--dry-run=client',
          ...setArgs(values),
        ]);
        return output.slice(output.indexOf('NOTES:'));
      };
      const upgrade = 'helm upgrade myapp ./chart --namespace default --reset-then-reuse-values';

      it.each<[string, string[]]>([
        [
          'switch to bluegreen',
          [
            'step: retire',
            `${upgrade} --set blueGreen.step=deploy --set blueGreen.green.tag=<new version>`,
          ],
        ],
        [
          'deploy green',
          [
            'step: deploy',
            'preview:   Service myapp-preview -> green',
            'rollout status deployment/myapp-green',
            `${upgrade} --set blueGreen.step=promote --set blueGreen.activeColor=green`,
          ],
        ],
        [
          'promote green',
          [
            'step: promote',
            `Roll back instantly (a value flip):\n    ${upgrade} --set blueGreen.activeColor=blue`,
            `${upgrade} --set blueGreen.step=retire --set blueGreen.blue.replicas=0 --set migrations.contract.run=true`,
          ],
        ],
        [
          'retire blue',
          [
            `idle:      blue = scaled down (last tag ${APP_VERSION})`,
            'Roll back after retire (two steps',
            'Never `helm rollback` across a retire',
            `${upgrade} --set blueGreen.step=deploy --set blueGreen.blue.replicas=null`,
          ],
        ],
        [
          'switch back to rolling',
          [
            'strategy:  rolling',
            // The colour's own tag wins over image.tag in rolling mode too (so that switching
            // back renames and restarts nothing): the next version goes there.
            `${upgrade} --set blueGreen.blue.tag=<new version> --set migrations.contract.run=false`,
          ],
        ],
      ])('prints the state and the next command after "%s"', (name, expected) => {
        const step = cycle.find((candidate) => candidate.name === name);
        const text = notes(step?.values ?? {});
        for (const line of expected) expect(text).toContain(line);
      });
    });
  },
  findHelm(),
);
