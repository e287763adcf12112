// Scenario 6: a bad release. Its pods cannot become ready (a broken setting makes the app refuse
// to start: CrashLoopBackOff), so with maxUnavailable 0 the rollout stalls with every old pod in
// place, `helm upgrade --wait` fails at its timeout, no request reaches a new pod, and rolling
// back (an upgrade to the last good values) removes them.
import { expect, it } from 'vitest';
import { describeRehearsal, expectZeroDowntime, Rehearsal, sleep } from './harness.ts';

describeRehearsal('scenario 6: a bad release', (helm) => {
  it('stalls, serves every request from the old pods, and rolls back', async () => {
    const rehearsal = await Rehearsal.start({ scenario: '6 bad release', helm });
    try {
      await rehearsal.install();
      const good = { ...rehearsal.values };
      rehearsal.startLoad();
      await sleep(3_000);
      const oldPods = rehearsal.cluster.readyPods('myapp-blue').map((pod) => pod.name);
      const bad = await rehearsal.change('bad release rolled out', () =>
        rehearsal.upgrade(
          { 'config.LOG_LEVEL': 'loud', 'migrations.enabled': false },
          { wait: true, timeoutSeconds: 25 },
        ),
      );
      expect(bad.error?.reason).toBe('wait');
      // The rollout stalled: the same ready pods as before, nothing new ever ready.
      expect(rehearsal.cluster.readyPods('myapp-blue').map((pod) => pod.name)).toEqual(oldPods);
      const rollback = await rehearsal.change('rollback', () =>
        rehearsal.upgrade({ ...good, 'migrations.enabled': false }),
      );
      expect(rollback.error?.message).toBeUndefined();
      await sleep(2_000);
      expect(rehearsal.cluster.readyPods('myapp-blue').map((pod) => pod.name)).toEqual(oldPods);
      const report = await rehearsal.finish();
      expectZeroDowntime(report);
    } finally {
      await rehearsal.close();
    }
  }, 150_000);
});
