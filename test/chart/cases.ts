// The values the chart tests render: every documented configuration, and a full blue-green cycle
// (rolling → bluegreen → deploy → promote → retire, on each colour in turn, and back to rolling).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART, type SetValues } from './helm.ts';

/** The chart's appVersion: the default image tag (package.json's version). */
export const APP_VERSION: string = parse(
  readFileSync(join(CHART, 'Chart.yaml'), 'utf8'),
).appVersion;

const external = {
  'postgresql.enabled': false,
  'externalDatabase.url': 'postgresql://myapp:secret@db.example.com:5432/myapp',
};

/** Named configurations: each must render, lint, and validate against the schemas. */
export const MATRIX: Record<string, SetValues> = {
  defaults: {},
  'external database URL': external,
  existingSecret: {
    'postgresql.enabled': false,
    'externalDatabase.existingSecret': 'myapp-database',
    existingSecret: 'myapp-credentials',
    'externalUnleash.url': 'https://unleash.example.com/api',
    'externalUnleash.existingSecret': 'myapp-unleash',
    'migrations.contract.run': true,
  },
  'HPA on': {
    ...external,
    'autoscaling.enabled': true,
    'autoscaling.targetMemoryUtilizationPercentage': 80,
  },
  'dev dependencies on': { 'unleash.enabled': true, 'postgresql.persistence.enabled': false },
  'embedded database': {
    'postgresql.enabled': false,
    embeddedDatabase: true,
    replicaCount: 1,
    'podDisruptionBudget.enabled': false,
  },
  'every feature on': {
    ...external,
    strategy: 'bluegreen',
    'blueGreen.step': 'deploy',
    'blueGreen.green.tag': '9.2.0',
    'blueGreen.green.replicas': 3,
    'blueGreen.colourServices': true,
    'autoscaling.enabled': true,
    'ingress.enabled': true,
    'ingress.className': 'nginx',
    'ingress.tls[0].secretName': 'myapp-tls',
    'ingress.tls[0].hosts[0]': 'myapp.local',
    'httpRoute.enabled': true,
    'httpRoute.parentRefs[0].name': 'public',
    'httpRoute.parentRefs[0].namespace': 'gateway',
    'httpRoute.hostnames[0]': 'myapp.example.com',
    'httpRoute.previewWeight': 10,
    'serviceMonitor.enabled': true,
    'serviceMonitor.labels.release': 'kube-prometheus-stack',
    'prometheusRule.enabled': true,
    'prometheusRule.labels.release': 'kube-prometheus-stack',
    'grafanaDashboards.folder': 'Shop',
    'otel.endpoint': 'http://otel-collector.observability:4318',
    'externalUnleash.url': 'https://unleash.example.com/api',
    'externalUnleash.token': 'default:production.abc',
    existingSecret: 'myapp-extra',
    'extraEnv[0].name': 'LOG_REDACT',
    'extraEnv[0].value': 'email',
    'podAnnotations.team': 'shop',
    priorityClassName: 'high',
    'shutdown.preStopAction': 'exec',
    'imagePullSecrets[0].name': 'regcred',
  },
  'edge tier on': {
    ...external,
    'edge.enabled': true,
    'edge.autoscaling.enabled': true,
    'ingress.enabled': true,
    'httpRoute.enabled': true,
    'httpRoute.parentRefs[0].name': 'public',
    'edge.extraEnv[0].name': 'API_DEFAULT_VERSION',
    'edge.extraEnv[0].value': 'v2',
  },
};

/** One helm upgrade of the cycle: its name and the values that are in force after it. */
export interface Step {
  name: string;
  values: SetValues;
}

/** A release's life: each step adds its --set values to the ones before (--reset-then-reuse-values). */
export function blueGreenCycle(): Step[] {
  const steps: Step[] = [];
  let values: SetValues = { ...external };
  const step = (name: string, changes: SetValues) => {
    values = { ...values, ...changes };
    steps.push({ name, values });
  };
  step('rolling install', {});
  step('switch to bluegreen', { strategy: 'bluegreen' });
  step('deploy green', {
    'blueGreen.step': 'deploy',
    'blueGreen.green.tag': '9.2.0',
    'blueGreen.green.replicas': null,
  });
  step('promote green', { 'blueGreen.step': 'promote', 'blueGreen.activeColor': 'green' });
  step('retire blue', {
    'blueGreen.step': 'retire',
    'blueGreen.blue.replicas': 0,
    'migrations.contract.run': true,
  });
  step('deploy blue', {
    'blueGreen.step': 'deploy',
    'blueGreen.blue.tag': '9.3.0',
    'blueGreen.blue.replicas': null,
    'migrations.contract.run': false,
  });
  step('promote blue', { 'blueGreen.step': 'promote', 'blueGreen.activeColor': 'blue' });
  step('retire green', { 'blueGreen.step': 'retire', 'blueGreen.green.replicas': 0 });
  step('switch back to rolling', { strategy: 'rolling' });
  return steps;
}
