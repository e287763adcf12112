// Scenario 5: a pod is deleted (as a node drain or `kubectl delete pod` does) while slow uploads
// are in flight on it and keep-alive clients hold connections to it through the Service. The
// kubelet's order (endpoint removal, preStop sleep, SIGTERM, the app's drain) must lose nothing.
// The same scenario with the drain broken (no preStop sleep, DRAIN_DELAY_MS=0, applied by a
// post-renderer as a user's kustomize patch would) must fail: the proof that it can.
import { expect, it } from 'vitest';
import { describeRehearsal, expectZeroDowntime, Rehearsal, sleep } from './harness.ts';
import type { K8sObject } from './manifests.ts';
import type { ScenarioReport } from './report.ts';

/** Removes the preStop hook and sets DRAIN_DELAY_MS=0 on every Deployment. */
export function breakDrain(objects: K8sObject[]): K8sObject[] {
  for (const object of objects) {
    if (object.kind !== 'Deployment') continue;
    for (const container of object.spec.template.spec.containers) {
      delete container.lifecycle;
      for (const env of container.env ?? []) if (env.name === 'DRAIN_DELAY_MS') env.value = '0';
    }
  }
  return objects;
}

async function deletePodUnderLoad(
  rehearsal: Rehearsal,
): Promise<{ report: ScenarioReport; slowStatuses: number[] }> {
  await rehearsal.install();
  const load = rehearsal.startLoad({ clients: 40, ratePerSecond: 30 });
  await sleep(3_000);
  let slowStatuses: number[] = [];
  await rehearsal.change('pod deleted with slow uploads in flight', async () => {
    const before = load.samples.length;
    const slow = load.slowWrites(8, 3_000);
    await sleep(500);
    const [victim] = rehearsal.cluster.readyPods('myapp-blue');
    if (!victim) throw new Error('no ready pod');
    const ended = await rehearsal.cluster.deletePod(victim);
    rehearsal.note(
      `victim ${victim.name}: exit ${ended.status} after ${ended.ms} ms (SIGKILL: ${ended.killed})`,
    );
    await Promise.all(slow);
    slowStatuses = load.samples
      .slice(before)
      .filter((s) => s.op === 'slow v2 create')
      .map((s) => s.status);
    await rehearsal.cluster.waitReady([
      rehearsal.cluster.deployments.get('myapp-blue')?.object as K8sObject,
    ]);
  });
  await sleep(2_000);
  return { report: await rehearsal.finish(), slowStatuses };
}

describeRehearsal('scenario 5: SIGTERM with slow requests and keep-alive clients', (helm) => {
  it('fails no request and loses no acknowledged write', async () => {
    const rehearsal = await Rehearsal.start({ scenario: '5 SIGTERM under load', helm });
    try {
      const { report, slowStatuses } = await deletePodUnderLoad(rehearsal);
      expect(slowStatuses).toEqual(new Array(8).fill(201));
      expectZeroDowntime(report);
      expect(report.requests).toBeGreaterThan(300);
    } finally {
      await rehearsal.close();
    }
  }, 120_000);

  it('fails requests when the drain is broken (no preStop sleep, DRAIN_DELAY_MS=0)', async () => {
    const rehearsal = await Rehearsal.start({
      scenario: '5 SIGTERM with a broken drain',
      helm,
      postRender: breakDrain,
    });
    try {
      const { report } = await deletePodUnderLoad(rehearsal);
      expect(report.failures).toBeGreaterThan(0);
      // Nothing acknowledged is lost even then: failed requests were never acknowledged.
      expect(report.lostWrites).toBe(0);
    } finally {
      await rehearsal.close();
    }
  }, 120_000);
});
