// What the canary scenarios share: a real Prometheus that scrapes the rehearsal's pods as the
// chart's ServiceMonitor makes it (the headless metrics Service's endpoints, handed over each time
// they change), the values of a canary behind a Gateway with the analysis on, the steps up to the
// canary, and the analysis Job's verdict line.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { JOB } from '../../alerts/slos.ts';
import type { SetValues } from '../chart/helm.ts';
import { type Prometheus, startPrometheus } from '../support/prometheus.ts';
import type { Rehearsal } from './harness.ts';
import type { HelmOptions, Outcome } from './helm4-model.ts';
import { CURRENT_TAG, JUDGING_TAG } from './releases.ts';

/**
 * Short analysis figures, so that a canary step takes under a minute instead of five: the checks
 * run for longer than the window, so that the last ones see the canary for a whole window.
 */
export const ANALYSIS = { window: '30s', durationSeconds: 40, intervalSeconds: 5, minRequests: 20 };

/**
 * The chart's canary through a Gateway: its HTTPRoute's weights are the only ones the rehearsal
 * plays (ingress-nginx's canary Ingress is not modelled, so the ingress is off and users come
 * through the Gateway), and the analysis asks the monitoring namespace's Prometheus, as
 * chart/README.md's example does.
 */
export const CANARY_VALUES: SetValues = {
  'image.tag': JUDGING_TAG,
  'ingress.enabled': false,
  'httpRoute.enabled': true,
  'httpRoute.parentRefs[0].name': 'public',
  'analysis.enabled': true,
  'analysis.prometheusUrl': 'http://prometheus-operated.monitoring:9090',
  'analysis.window': ANALYSIS.window,
  'analysis.durationSeconds': ANALYSIS.durationSeconds,
  'analysis.intervalSeconds': ANALYSIS.intervalSeconds,
  'analysis.minRequests': ANALYSIS.minRequests,
};

/** Every user through the Gateway, where the weights apply. */
export const GATEWAY_LOAD = { gatewayShare: 1, ingressShare: 0 };

/**
 * A Prometheus scraping the pods behind the metrics Service as they come and go, reachable by
 * the analysis Job as `prometheus-operated`. Start it before the install.
 */
export async function startMonitoring(
  rehearsal: Rehearsal,
  prometheusPath: string,
): Promise<Prometheus> {
  const prometheus = await startPrometheus(prometheusPath, { job: JOB, targets: [] });
  rehearsal.cluster.addOtherService('prometheus-operated', new URL(prometheus.url).host);
  let last = '';
  rehearsal.cluster.onEndpoints((service, endpoints) => {
    if (service !== 'myapp-metrics') return;
    const targets = endpoints.map((endpoint) => `${endpoint.ip}:${endpoint.port}`).sort();
    if (targets.join(' ') === last) return;
    last = targets.join(' ');
    rehearsal.note(`prometheus targets: ${last || 'none'}`);
    void prometheus.setTargets(targets);
  });
  return prometheus;
}

export type Step = (
  label: string,
  set: SetValues,
  options?: HelmOptions,
) => Promise<Outcome & { seconds: number }>;

/** One `helm upgrade --reset-then-reuse-values` as a change window; the lag waited out after. */
export function stepper(rehearsal: Rehearsal): Step {
  return (label, set, options = { wait: true }) =>
    rehearsal.change(label, async () => {
      const started = Date.now();
      const outcome = await rehearsal.upgrade(set, options);
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      rehearsal.note(`${label}: ${outcome.ok ? 'ok' : outcome.error?.message} in ${seconds} s`);
      // Weights and selectors reach the proxies a lag after helm returns.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      return { ...outcome, seconds };
    });
}

/** From the installed previous release to the current one on green, idle: the deploy step. */
export async function deployGreen(step: Step): Promise<void> {
  const bluegreen = await step('switch to bluegreen', {
    strategy: 'bluegreen',
    'blueGreen.blue.tag': JUDGING_TAG,
  });
  expect(bluegreen.error?.message).toBeUndefined();
  const deploy = await step('deploy green', {
    'blueGreen.step': 'deploy',
    'blueGreen.green.tag': CURRENT_TAG,
    'blueGreen.green.replicas': null,
    'migrations.contract.run': false,
  });
  expect(deploy.error?.message).toBeUndefined();
}

/** `helm upgrade --set blueGreen.step=canary --set blueGreen.canaryWeight=N --rollback-on-failure --wait --timeout 2m`. */
export function canaryStep(step: Step, weight: number) {
  return step(
    `canary ${weight} %`,
    { 'blueGreen.step': 'canary', 'blueGreen.canaryWeight': weight },
    { rollbackOnFailure: true, wait: true, timeoutSeconds: 120 },
  );
}

export interface Verdict {
  verdict: string;
  checks: number;
  durationMs: number;
  slos: {
    id: string;
    verdict: string;
    canaryRequests: number;
    canary: { ratio: number; totalRate: number; burnRate: number };
    stable: { ratio: number; totalRate: number; burnRate: number };
    limit: number;
  }[];
}

/** The last analysis Job run: its exit status, its verdict line and how long it ran. */
export function lastAnalysis(rehearsal: Rehearsal): {
  status: number | string;
  seconds: number;
  verdict: Verdict;
  line: string;
} {
  const run = rehearsal.cluster.runs.filter((r) => r.name === 'myapp-canary-analysis').at(-1);
  if (!run) throw new Error('the analysis Job never ran');
  const line = readFileSync(run.log, 'utf8')
    .split('\n')
    .find((l) => l.includes('"msg":"canary analysis"'));
  if (!line) throw new Error(`the analysis printed no verdict line (exit ${run.status})`);
  return {
    status: run.status,
    seconds: Math.round((run.to - run.from) / 100) / 10,
    verdict: JSON.parse(line) as Verdict,
    line,
  };
}

/** The canary's share of the requests the analysis saw, in percent (availability's totals). */
export function canaryShare(verdict: Verdict): number {
  const slo = verdict.slos.find((s) => s.id === 'requests-availability');
  if (!slo) throw new Error('no availability SLO in the verdict');
  const total = slo.canary.totalRate + slo.stable.totalRate;
  return total > 0 ? Math.round((1000 * slo.canary.totalRate) / total) / 10 : 0;
}

/**
 * The weights HAProxy's Gateway applies right now (its runtime API's server state), summed per
 * colour: the servers in service, by the colour of the ready pod at their address.
 */
export async function gatewayWeights(rehearsal: Rehearsal): Promise<Record<string, number>> {
  const colours = new Map<string, string>();
  for (const colour of ['blue', 'green'])
    for (const pod of rehearsal.cluster.readyPods(`myapp-${colour}`)) colours.set(pod.ip, colour);
  const lines = (await rehearsal.cluster.proxy.command('show servers state gw-endpoints'))
    .split('\n')
    .filter((line) => line.trim() !== '');
  const header = (lines.find((line) => line.startsWith('# be_id')) ?? '').slice(2).split(' ');
  const column = (row: string[], name: string) => row[header.indexOf(name)] ?? '';
  const weights: Record<string, number> = {};
  for (const line of lines.filter((l) => !l.startsWith('#') && /^\d/.test(l))) {
    const row = line.split(' ');
    // srv_admin_state bit 0x01: forced maintenance (a slot without an endpoint).
    if (Number(column(row, 'srv_admin_state')) & 1) continue;
    const weight = Number(column(row, 'srv_uweight'));
    if (weight === 0) continue;
    const colour = colours.get(column(row, 'srv_addr')) ?? column(row, 'srv_addr');
    weights[colour] = (weights[colour] ?? 0) + weight;
  }
  return weights;
}
