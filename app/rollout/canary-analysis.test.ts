import { describe, expect, it } from 'vitest';
import { canaryAnalysisSpec } from '../../alerts/canary-analysis.ts';
import { analysisSpecSchema, durationSeconds, judge, type PromQuery } from './canary-analysis.ts';

const spec = analysisSpecSchema.parse(canaryAnalysisSpec());
const availability = spec.slos.find((slo) => slo.id === 'requests-availability');
const WINDOW = '2m';

/**
 * Prometheus as a table of per-colour rates: every SLO's queries of a colour answer with its
 * bad and total rates (latency SLO: no slow requests unless `slow` says so).
 */
function prometheus(
  rates: Record<string, { bad: number; total: number; slow?: number }>,
): PromQuery {
  return async (promql) => {
    const colour = /colour="([a-z0-9-]+)"/.exec(promql)?.[1] ?? '';
    expect(promql).toContain(`[${WINDOW}]`);
    const rate = rates[colour] ?? { bad: 0, total: 0 };
    // The latency SLO's bad events: all minus those within the threshold's bucket.
    if (promql.includes('_bucket')) return rate.slow ?? 0;
    return promql.includes('http_response_status_code=~"5.."') ? rate.bad : rate.total;
  };
}

const run = (rates: Parameters<typeof prometheus>[0], minRequests = 100) =>
  judge(
    spec,
    prometheus(rates),
    { canary: 'green', stable: 'blue' },
    { window: WINDOW, minRequests },
  );

describe('the canary analysis', () => {
  it('reads its SLOs and burn-rate ceiling from the SLO spec', () => {
    expect(spec.maxBurnRate).toBe(14.4);
    expect(availability?.errorBudget).toBe(0.001);
    expect(spec.slos.map((slo) => slo.id)).toEqual(['requests-availability', 'requests-latency']);
  });

  it('passes a canary that serves as well as the stable colour', async () => {
    const judgement = await run({ blue: { bad: 0, total: 10 }, green: { bad: 0, total: 10 } });
    expect(judgement.verdict).toBe('pass');
    expect(judgement.slos[0]?.canaryRequests).toBe(1200);
  });

  it('fails a canary whose errors burn the budget faster than twice the stable colour, plus one', async () => {
    // 0.5% errors: 5× the 0.1% budget, while the stable colour burns none (limit 1).
    const judgement = await run({ blue: { bad: 0, total: 10 }, green: { bad: 0.05, total: 10 } });
    expect(judgement.verdict).toBe('fail');
    expect(judgement.slos[0]).toMatchObject({ verdict: 'fail', limit: 1 });
    expect(judgement.slos[0]?.canary.burnRate).toBeCloseTo(5);
  });

  it('does not blame the canary for what the stable colour suffers too', async () => {
    // Both at 0.5% (5×): the limit is 2 × 5 + 1 = 11.
    const judgement = await run({
      blue: { bad: 0.05, total: 10 },
      green: { bad: 0.05, total: 10 },
    });
    expect(judgement.slos[0]).toMatchObject({ verdict: 'pass', limit: 11 });
  });

  it('fails at the page-alert burn rate whatever the stable colour does', async () => {
    // Stable at 10× could allow 21×, but 20× pages on its own: the ceiling is 14.4. (12,000
    // requests: 2,400 errors against 1,728 at the ceiling is no chance.)
    const judgement = await run({ blue: { bad: 1, total: 100 }, green: { bad: 2, total: 100 } });
    expect(judgement.slos[0]).toMatchObject({ verdict: 'fail', limit: 14.4 });
  });

  it('judges latency by the share of requests slower than the SLO threshold', async () => {
    // 5% slower than 300 ms: 5× the 1% budget.
    const judgement = await run({
      blue: { bad: 0, total: 10 },
      green: { bad: 0, total: 10, slow: 0.5 },
    });
    expect(judgement.verdict).toBe('fail');
    expect(judgement.slos[1]).toMatchObject({ id: 'requests-latency', verdict: 'fail' });
    expect(judgement.slos[1]?.canary.ratio).toBeCloseTo(0.05);
  });

  it('does not fail a canary over its limit by what chance explains', async () => {
    // 120 requests with 1 slower than 300 ms: 0.83 %, and at the limit's 1 % one or more slow
    // requests are likely (70 %). Two (1.7 %, over the limit) happen 34 % of the time at 1 %;
    // five happen less than once in a hundred times: that fails.
    const unlucky = await run({
      blue: { bad: 0, total: 10 },
      green: { bad: 0, total: 1, slow: 1 / 120 },
    });
    expect(unlucky.slos[1]).toMatchObject({ verdict: 'pass', canaryBadEvents: 1 });
    const twoSlow = await run({
      blue: { bad: 0, total: 10 },
      green: { bad: 0, total: 1, slow: 2 / 120 },
    });
    expect(twoSlow.slos[1]?.canary.burnRate).toBeGreaterThan(1);
    expect(twoSlow.slos[1]?.verdict).toBe('pass');
    const bad = await run({
      blue: { bad: 0, total: 10 },
      green: { bad: 0, total: 1, slow: 5 / 120 },
    });
    expect(bad.slos[1]).toMatchObject({ verdict: 'fail', canaryBadEvents: 5 });
    expect(bad.slos[1]?.pValue).toBeLessThan(0.01);
  });

  it('refuses to judge with too little canary traffic', async () => {
    // 0.5 requests/s over 2 minutes: 60 requests, fewer than 100.
    const judgement = await run({ blue: { bad: 0, total: 10 }, green: { bad: 0, total: 0.5 } });
    expect(judgement.verdict).toBe('inconclusive');
    expect(judgement.slos.every((slo) => slo.canaryRequests === 60)).toBe(true);
  });

  it('queries each colour with its own selector', async () => {
    const judgement = await run({ blue: { bad: 0, total: 1 }, green: { bad: 0, total: 1 } }, 1);
    const queries = judgement.slos[0]?.queries;
    expect(queries?.canary.total).toContain('colour="green"');
    expect(queries?.stable.total).toContain('colour="blue"');
    expect(queries?.canary.total).not.toContain('$');
  });

  it.each([
    ['30s', 30],
    ['2m', 120],
    ['1h', 3600],
  ])('reads the Prometheus duration %s as %d s', (window, seconds) => {
    expect(durationSeconds(window)).toBe(seconds);
  });

  it('refuses a window that is not a Prometheus duration', () => {
    expect(() => durationSeconds('2 minutes')).toThrow(/not a Prometheus duration/);
  });
});
