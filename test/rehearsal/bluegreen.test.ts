// Scenario 2: a blue-green cycle under load with the exact values chart/README.md documents
// (every step `helm upgrade --reset-then-reuse-values --wait`): the previous release on blue;
// deploy the current release to green; `helm test` (the chart's own test pods) through the
// preview Service; promote; roll back by flipping the value; promote again; retire blue with the
// contract migration, whose gate lets it run once blue's pods have stopped.
import { expect, it } from 'vitest';
import { describeRehearsal, expectZeroDowntime, Rehearsal, sleep } from './harness.ts';
import { CURRENT_TAG, PREVIOUS_TAG } from './releases.ts';

describeRehearsal('scenario 2: blue-green cycle', (helm) => {
  it('deploy, test, promote, roll back, promote, retire: no failed request, nothing lost', async () => {
    const rehearsal = await Rehearsal.start({
      scenario: '2 blue-green cycle',
      helm,
      // The chart's helm test also reads build_info from each pod through the headless metrics
      // Service's DNS records, which the rehearsal does not model: without metrics it checks the
      // preview's API only (test/chart/helm-test-pod.test.ts runs the whole script).
      values: { 'image.tag': PREVIOUS_TAG, 'metrics.enabled': false },
    });
    try {
      await rehearsal.install();
      rehearsal.startLoad();
      await sleep(2_000);
      const step = async (
        label: string,
        set: Record<string, string | number | boolean | null>,
        timeoutSeconds?: number,
      ) => {
        const outcome = await rehearsal.change(label, async () => {
          const result = await rehearsal.upgrade(set, { wait: true, timeoutSeconds });
          // Selector changes reach the proxies a lag after helm returns.
          await sleep(2_000);
          return result;
        });
        expect(outcome.error?.message, label).toBeUndefined();
      };
      const serving = () => rehearsal.cluster.servingTags('myapp');

      // Blue-green keeps each running colour's tag in values: blue's is the one rolling ran.
      await step('switch to bluegreen', {
        strategy: 'bluegreen',
        'blueGreen.blue.tag': PREVIOUS_TAG,
      });
      await step('deploy green', {
        'blueGreen.step': 'deploy',
        'blueGreen.green.tag': CURRENT_TAG,
        'blueGreen.green.replicas': null,
        'migrations.contract.run': false,
      });
      expect(serving()).toEqual({ [PREVIOUS_TAG]: 2 });
      expect(rehearsal.cluster.servingTags('myapp-preview')).toEqual({ [CURRENT_TAG]: 2 });
      const test = await rehearsal.change('helm test', () =>
        rehearsal.cluster.test(rehearsal.values),
      );
      expect(test.error?.message).toBeUndefined();
      expect(test.events.filter((e) => e.type === 'hook')).toHaveLength(2);

      await step('promote green', {
        'blueGreen.step': 'promote',
        'blueGreen.activeColor': 'green',
      });
      expect(serving()).toEqual({ [CURRENT_TAG]: 2 });
      await step('roll back to blue', { 'blueGreen.activeColor': 'blue' });
      expect(serving()).toEqual({ [PREVIOUS_TAG]: 2 });
      await step('promote green again', { 'blueGreen.activeColor': 'green' });
      expect(serving()).toEqual({ [CURRENT_TAG]: 2 });
      await step(
        'retire blue with contract',
        {
          'blueGreen.step': 'retire',
          'blueGreen.blue.replicas': 0,
          'migrations.contract.run': true,
        },
        600,
      );
      // Blue's pods drain (preStop + drain) while green serves.
      await sleep(10_000);
      expect(rehearsal.cluster.readyPods('myapp-blue')).toHaveLength(0);
      expect(serving()).toEqual({ [CURRENT_TAG]: 2 });

      const report = await rehearsal.finish();
      expectZeroDowntime(report);
    } finally {
      await rehearsal.close();
    }
  }, 300_000);
});
