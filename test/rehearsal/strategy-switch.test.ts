// Scenario 3: switching the strategy of a live release, with the command the README documents
// (`helm upgrade myapp ./chart --reset-then-reuse-values --set strategy=bluegreen --set
// blueGreen.blue.tag=<the tag it runs>`), and back to rolling. Rolling is blue-green with one colour, so neither switch may restart a pod.
import { expect, it } from 'vitest';
import type { SetValues } from '../chart/helm.ts';
import { describeRehearsal, expectZeroDowntime, Rehearsal, sleep } from './harness.ts';
import { CURRENT_TAG } from './releases.ts';

describeRehearsal('scenario 3: strategy switch', (helm) => {
  it('rolling → bluegreen → rolling restarts nothing and fails nothing', async () => {
    const rehearsal = await Rehearsal.start({ scenario: '3 strategy switch', helm });
    try {
      await rehearsal.install();
      rehearsal.startLoad();
      await sleep(2_000);
      const pods = () =>
        rehearsal.cluster
          .readyPods('myapp-blue')
          .map((pod) => pod.name)
          .sort();
      const before = pods();
      const switches: SetValues[] = [
        { strategy: 'bluegreen', 'blueGreen.blue.tag': CURRENT_TAG },
        { strategy: 'rolling' },
      ];
      for (const values of switches) {
        const outcome = await rehearsal.change(`switch to ${values.strategy}`, async () => {
          const result = await rehearsal.upgrade(values);
          await sleep(3_000);
          return result;
        });
        expect(outcome.error?.message).toBeUndefined();
        expect(pods()).toEqual(before);
      }
      const report = await rehearsal.finish();
      expectZeroDowntime(report);
    } finally {
      await rehearsal.close();
    }
  }, 180_000);
});
