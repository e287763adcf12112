// Scenario 1: rolling updates under load, as `helm upgrade --wait` runs them with the chart's
// RollingUpdate settings (maxSurge 25%, maxUnavailable 0). First the current release onto itself
// (a changed pod template), then the previous release's pods replaced by the current one's, with
// the pre-upgrade migration Jobs (expand, then backfill) run first by the current image, and both
// releases serving side by side over the schema during the rollout.
import { expect, it } from 'vitest';
import { describeRehearsal, expectZeroDowntime, Rehearsal, sleep } from './harness.ts';
import { CURRENT_TAG, PREVIOUS_TAG } from './releases.ts';

describeRehearsal('scenario 1: rolling update', (helm) => {
  it('current → current: no failed request, nothing lost', async () => {
    const rehearsal = await Rehearsal.start({ scenario: '1a rolling current to current', helm });
    try {
      await rehearsal.install();
      rehearsal.startLoad();
      await sleep(3_000);
      const outcome = await rehearsal.change('rolling update', () =>
        rehearsal.upgrade({ 'podAnnotations.rehearsal': 'second' }),
      );
      expect(outcome.error?.message).toBeUndefined();
      await sleep(2_000);
      const report = await rehearsal.finish();
      expectZeroDowntime(report);
      expect(report.acknowledgedWrites).toBeGreaterThan(50);
    } finally {
      await rehearsal.close();
    }
  }, 150_000);

  it('previous → current with the expand and backfill Jobs first, both serving at once', async () => {
    const rehearsal = await Rehearsal.start({
      scenario: '1b rolling previous to current',
      helm,
      values: { 'image.tag': PREVIOUS_TAG },
    });
    try {
      await rehearsal.install();
      rehearsal.startLoad();
      await sleep(3_000);
      const stopTracking = rehearsal.trackServing([PREVIOUS_TAG, CURRENT_TAG]);
      const outcome = await rehearsal.change('rolling update to the current release', () =>
        rehearsal.upgrade({ 'image.tag': CURRENT_TAG }),
      );
      const sideBySideMs = stopTracking();
      expect(outcome.error?.message).toBeUndefined();
      // Helm's order: the hook ServiceAccount and the migrations Secret, expand, backfill, and
      // only then the new pods; the hook-succeeded objects go once the phase has passed.
      expect(
        outcome.events.map((event) => ('object' in event ? event.object : event.type)),
      ).toEqual([
        'ServiceAccount/myapp-migrations',
        'Secret/myapp-migrations',
        'Job/myapp-migrate-expand',
        'Job/myapp-migrate-backfill',
        'Secret/myapp-migrations',
        'ServiceAccount/myapp-migrations',
        'apply',
        'wait',
      ]);
      expect(sideBySideMs).toBeGreaterThan(0);
      await sleep(2_000);
      const report = await rehearsal.finish();
      expectZeroDowntime(report);
      expect(rehearsal.cluster.servingTags('myapp')).toEqual({ [CURRENT_TAG]: 2 });
    } finally {
      await rehearsal.close();
    }
  }, 150_000);
});
