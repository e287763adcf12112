// The validator itself: what the Kubernetes API server refuses (or silently drops) must be a
// problem here, or a green chart test would prove nothing. Objects written by hand, no helm.
import { describe, expect, it } from 'vitest';
import type { K8sObject, Rendered } from './helm.ts';
import { allProblems } from './invariants.ts';
import { schemaProblems } from './validate.ts';

const labels = { 'app.kubernetes.io/name': 'myapp', colour: 'blue' };
const deployment = (changes: (object: K8sObject) => void = () => {}): K8sObject => {
  const object: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'myapp-blue', labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          containers: [
            {
              name: 'myapp',
              image: 'registry.example.com/myapp:1.0.0',
              ports: [{ name: 'http', containerPort: 3000 }],
            },
          ],
        },
      },
    },
  };
  changes(object);
  return object;
};
const render = (objects: K8sObject[]): Rendered => ({
  objects,
  ofKind: (kind) => objects.filter((object) => object.kind === kind),
  get: () => {
    throw new Error('unused');
  },
});

describe('schemaProblems', () => {
  it('accepts a valid object', () => {
    expect(schemaProblems(deployment())).toEqual([]);
  });

  it.each<[string, (object: K8sObject) => void, RegExp]>([
    ['an unknown field', (o) => (o.spec.replica = 2), /\.spec\.replica: unknown field/],
    [
      'an unknown field deep in a list',
      (o) => (o.spec.template.spec.containers[0].ports[0].hostport = 80),
      /\.spec\.template\.spec\.containers\[0\]\.ports\[0\]\.hostport: unknown field/,
    ],
    ['a wrong type', (o) => (o.spec.replicas = 'three'), /replicas/],
    [
      'an upper-case name',
      (o) => (o.metadata.name = 'MyApp'),
      /the name is not a valid Deployment name/,
    ],
    [
      'a name over 63 characters',
      (o) => (o.metadata.name = 'a'.repeat(64)),
      /63 characters at most/,
    ],
    [
      'a label value with a colon',
      (o) => (o.metadata.labels = { version: '1.0@sha256:ab' }),
      /label version=1\.0@sha256:ab is not a valid value/,
    ],
    [
      'a port name over 15 characters',
      (o) => (o.spec.template.spec.containers[0].ports[0].name = 'http-for-the-public'),
      /port name http-for-the-public is not valid/,
    ],
  ])('refuses %s', (_name, change, message) => {
    expect(schemaProblems(deployment(change)).join('\n')).toMatch(message);
  });
});

describe('selectors', () => {
  it('refuses a Deployment whose selector does not match its pod labels', () => {
    const broken = deployment((o) => (o.spec.selector.matchLabels = { colour: 'green' }));
    expect(allProblems(render([broken]))).toContain(
      'Deployment/myapp-blue: its selector does not match its pod labels',
    );
  });

  it('refuses a Service that selects no pod of the release', () => {
    const service: K8sObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'myapp' },
      spec: { selector: { colour: 'green' }, ports: [{ port: 80 }] },
    };
    expect(allProblems(render([deployment(), service]))).toContain(
      'Service/myapp selects no pods of the release',
    );
  });
});

describe('hook references', () => {
  const hookAnnotations = (events: string, weight: number) => ({
    'helm.sh/hook': events,
    'helm.sh/hook-weight': String(weight),
  });
  const job = (serviceAccountName: string): K8sObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'myapp-migrate-expand', annotations: hookAnnotations('pre-install', -5) },
    spec: {
      template: {
        metadata: { labels: {} },
        spec: {
          serviceAccountName,
          restartPolicy: 'Never',
          containers: [
            {
              name: 'migrate',
              image: 'registry.example.com/myapp:1.0.0',
              env: [
                {
                  name: 'DATABASE_URL',
                  valueFrom: { secretKeyRef: { name: 'myapp-migrations', key: 'DATABASE_URL' } },
                },
              ],
            },
          ],
        },
      },
    },
  });
  const account = (annotations?: Record<string, string>): K8sObject => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'myapp', ...(annotations && { annotations }) },
  });
  const secret: K8sObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'myapp-migrations', annotations: hookAnnotations('pre-install', -10) },
  };
  const problems = (objects: K8sObject[]) =>
    allProblems(render(objects)).filter((problem) => problem.includes(' needs '));

  it('refuses a pre-install hook whose ServiceAccount is a release object (admission would refuse its pods)', () => {
    expect(problems([account(), secret, job('myapp')])).toContain(
      'Job/myapp-migrate-expand (pre-install) needs ServiceAccount/myapp, which exists only after the hook',
    );
  });

  it('refuses one whose ServiceAccount is a hook of a later weight', () => {
    expect(problems([account(hookAnnotations('pre-install', 0)), secret, job('myapp')])).toContain(
      'Job/myapp-migrate-expand needs ServiceAccount/myapp, whose weight is not lower',
    );
  });

  it('accepts an earlier hook ServiceAccount, or one the chart does not render', () => {
    expect(problems([account(hookAnnotations('pre-install', -10)), secret, job('myapp')])).toEqual(
      [],
    );
    expect(problems([secret, job('default')])).toEqual([]);
  });
});
