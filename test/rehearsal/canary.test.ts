// Scenario 7: a canary under load, as chart/README.md (*Canary*) runs it behind a Gateway: the
// previous release on blue, the current one deployed to green, then `blueGreen.step=canary` at
// 5 % and at 50 % (each `--rollback-on-failure --wait`, each judged by the chart's analysis Job
// against a real Prometheus scraping the pods), then promote. The HTTPRoute's weights decide the
// Gateway's; no request may fail, nothing may be lost.
import { expect, it } from 'vitest';
import { describeWithTool } from '../support/tools.ts';
import {
  ANALYSIS,
  CANARY_VALUES,
  canaryShare,
  canaryStep,
  deployGreen,
  GATEWAY_LOAD,
  gatewayWeights,
  lastAnalysis,
  startMonitoring,
  stepper,
} from './canary.ts';
import { describeRehearsal, expectZeroDowntime, Rehearsal, sleep } from './harness.ts';
import { CURRENT_TAG } from './releases.ts';

describeWithTool('prometheus', (prometheusPath) =>
  describeRehearsal('scenario 7: canary', (helm) => {
    it('5 %, 50 %, promote, each judged by the analysis: no failed request, nothing lost', async () => {
      const rehearsal = await Rehearsal.start({
        scenario: '7 canary',
        helm,
        values: CANARY_VALUES,
      });
      const prometheus = await startMonitoring(rehearsal, prometheusPath);
      try {
        await rehearsal.install();
        rehearsal.startLoad(GATEWAY_LOAD);
        await sleep(2_000);
        const step = stepper(rehearsal);
        await deployGreen(step);
        // Deployed, not yet weighted: every user still on blue.
        expect(await gatewayWeights(rehearsal)).toEqual({ blue: 256 });

        const analyses: Record<string, unknown>[] = [];
        for (const weight of [5, 50]) {
          const outcome = await canaryStep(step, weight);
          const analysis = lastAnalysis(rehearsal);
          analyses.push({
            weight,
            upgradeSeconds: outcome.seconds,
            analysisSeconds: analysis.seconds,
            canarySharePercent: canaryShare(analysis.verdict),
            verdict: analysis.verdict,
          });
          rehearsal.note(`canary ${weight} %: ${analysis.line}`);
          expect(outcome.error?.message, analysis.line).toBeUndefined();
          expect(outcome.rollback).toBeUndefined();
          expect(analysis.status).toBe(0);
          expect(analysis.verdict.verdict).toBe('pass');
          expect(
            analysis.verdict.slos.every((slo) => slo.canaryRequests >= ANALYSIS.minRequests),
          ).toBe(true);
          // The Gateway's servers carry the HTTPRoute's weights (2 pods a colour, 256 in all).
          const weights = await gatewayWeights(rehearsal);
          const share = (100 * (weights.green ?? 0)) / ((weights.green ?? 0) + (weights.blue ?? 0));
          expect(Math.abs(share - weight), JSON.stringify(weights)).toBeLessThan(1);
          // And the canary got that share of the requests Prometheus saw, within noise (the
          // window also holds a little of the step before).
          const seen = canaryShare(analysis.verdict);
          expect(seen).toBeGreaterThan(weight * 0.5);
          expect(seen).toBeLessThan(weight * 1.4 + 2);
        }

        const promote = await step('promote green', {
          'blueGreen.step': 'promote',
          'blueGreen.activeColor': 'green',
          'blueGreen.canaryWeight': 0,
        });
        expect(promote.error?.message).toBeUndefined();
        expect(await gatewayWeights(rehearsal)).toEqual({ green: 256 });
        expect(rehearsal.cluster.servingTags('myapp')).toEqual({ [CURRENT_TAG]: 2 });
        await sleep(3_000);

        const report = await rehearsal.finish({ details: { analyses } });
        expectZeroDowntime(report);
      } finally {
        await rehearsal.close();
        await prometheus.close();
      }
    }, 300_000);
  }),
);
