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

/** Every install names the image it runs (there is no public one; the chart refuses without it). */
export const IMAGE = { 'image.repository': 'registry.example.com/myapp' };

const external = {
  ...IMAGE,
  'postgresql.enabled': false,
  'externalDatabase.url': 'postgresql://myapp:secret@db.example.com:5432/myapp',
};

/** Named configurations: each must render, lint, and validate against the schemas. */
export const MATRIX: Record<string, SetValues> = {
  defaults: IMAGE,
  'external database URL': external,
  existingSecret: {
    ...IMAGE,
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
  'dev dependencies on': {
    ...IMAGE,
    'unleash.enabled': true,
    'redis.enabled': true,
    'postgresql.persistence.enabled': false,
  },
  'external Redis behind an ingress': {
    ...external,
    'ingress.enabled': true,
    'externalRedis.existingSecret': 'myapp-redis',
    'externalRedis.networkPeers[0].ipBlock.cidr': '10.0.3.0/24',
    'rateLimit.limits': 'v1=60\\,v2=600', // helm --set splits at an unescaped comma
  },
  'embedded database': {
    ...IMAGE,
    'postgresql.enabled': false,
    embeddedDatabase: true,
    replicaCount: 1,
    'podDisruptionBudget.enabled': false,
  },
  'canary through an HTTPRoute, analysed': {
    ...external,
    strategy: 'bluegreen',
    'blueGreen.step': 'canary',
    'blueGreen.canaryWeight': 5,
    'blueGreen.blue.tag': '9.1.0',
    'blueGreen.green.tag': '9.2.0',
    'blueGreen.green.replicas': null,
    'httpRoute.enabled': true,
    'httpRoute.parentRefs[0].name': 'public',
    'analysis.enabled': true,
    'analysis.prometheusUrl': 'http://prometheus-operated.monitoring:9090',
    'networkPolicy.enabled': true,
  },
  'canary behind ingress-nginx': {
    ...external,
    strategy: 'bluegreen',
    'blueGreen.step': 'canary',
    'blueGreen.canaryWeight': 25,
    'blueGreen.blue.tag': '9.1.0',
    'blueGreen.green.tag': '9.2.0',
    'blueGreen.green.replicas': 2,
    'ingress.enabled': true,
    'ingress.className': 'nginx',
  },
  'every feature on': {
    ...external,
    strategy: 'bluegreen',
    'blueGreen.step': 'deploy',
    'blueGreen.blue.tag': '9.1.0',
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

/** One helm install or upgrade of the cycle: its name, the values in force after it, and the
 * `helm template` flags that make the render an upgrade (`.Release.IsInstall` false) after the first. */
export interface Step {
  name: string;
  values: SetValues;
  args: string[];
}

/** A release's life: each step adds its --set values to the ones before (--reset-then-reuse-values). */
export function blueGreenCycle(): Step[] {
  const steps: Step[] = [];
  let values: SetValues = { ...external };
  const step = (name: string, changes: SetValues) => {
    values = { ...values, ...changes };
    steps.push({ name, values, args: steps.length === 0 ? [] : ['--is-upgrade'] });
  };
  step('rolling install', {});
  step('switch to bluegreen', { strategy: 'bluegreen', 'blueGreen.blue.tag': APP_VERSION });
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
