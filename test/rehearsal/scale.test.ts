// Scenario 4: a replica change under load. `helm upgrade --set replicaCount=2` takes a release
// from 4 pods to 2 (the kubelet terminates the two it picks, the load keeps going), then the HPA
// (the same write an HPA makes to the scale subresource) takes it from 2 back to 4.
import { expect, it } from 'vitest';
import { describeRehearsal, expectZeroDowntime, Rehearsal, sleep } from './harness.ts';
import type { K8sObject } from './manifests.ts';

describeRehearsal('scenario 4: scale down and up', (helm) => {
  it('4 → 2 by helm, then 2 → 4 by the HPA: no failed request, nothing lost', async () => {
    const rehearsal = await Rehearsal.start({ scenario: '4 scale down and up', helm });
    try {
      await rehearsal.install({ replicaCount: 4 });
      const deployment = () => rehearsal.cluster.deployments.get('myapp-blue')?.object as K8sObject;
      rehearsal.startLoad();
      await sleep(3_000);
      const down = await rehearsal.change('scale down 4 → 2', async () => {
        const outcome = await rehearsal.upgrade({ replicaCount: 2, 'migrations.enabled': false });
        // --wait is done when 2 are ready; the two removed pods are still draining.
        await sleep(12_000);
        return outcome;
      });
      expect(down.error?.message).toBeUndefined();
      expect(rehearsal.cluster.readyPods('myapp-blue')).toHaveLength(2);
      await rehearsal.change('HPA scale up 2 → 4', async () => {
        rehearsal.cluster.scale('myapp-blue', 4);
        await rehearsal.cluster.waitReady([deployment()]);
      });
      expect(rehearsal.cluster.readyPods('myapp-blue')).toHaveLength(4);
      await sleep(2_000);
      const report = await rehearsal.finish();
      expectZeroDowntime(report);
    } finally {
      await rehearsal.close();
    }
  }, 180_000);
});
