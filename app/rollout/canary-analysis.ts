// Judges a canary colour against the stable one by the SLOs' own SLIs, read from Prometheus.
//
// For each SLO the spec (generated from alerts/slos.ts) gives the PromQL of one colour's bad and
// all events over a window. The canary fails an SLO when it burns that SLO's error budget faster
// than the fastest burn-rate alert would page on (`maxBurnRate`), or faster than the stable
// colour's burn rate times `stableTimes` plus `stablePlus` (CANARY_TOLERANCE in alerts/slos.ts,
// which the per-colour canary alert judges by too) — so a spotless stable colour still leaves
// the canary its budget, and a bad night for both colours is not blamed on the canary. A canary
// over that limit fails only when its bad events are unlikely at the limit (binomial.ts: below
// SIGNIFICANCE): one slow request among the 30 a 5 % canary served is chance, not a verdict. With
// fewer than `minRequests` canary requests in the window there is too little to judge.
import { z } from 'zod';
import { binomialUpperTail } from './binomial.ts';

/** The chance of a good canary being failed by bad luck that the analysis accepts. */
const SIGNIFICANCE = 0.01;

export const analysisSpecSchema = z.object({
  maxBurnRate: z.number().positive(),
  stableTimes: z.number().positive(),
  stablePlus: z.number().nonnegative(),
  slos: z
    .array(
      z.object({
        id: z.string(),
        description: z.string(),
        errorBudget: z.number().positive().max(1),
        errors: z.string().includes('$COLOUR').includes('$WINDOW'),
        total: z.string().includes('$COLOUR').includes('$WINDOW'),
      }),
    )
    .min(1),
});

export type AnalysisSpec = z.infer<typeof analysisSpecSchema>;

/** Runs one instant PromQL query; the sum of its result, 0 when it has no series. */
export type PromQuery = (promql: string) => Promise<number>;

export interface Colours {
  canary: string;
  stable: string;
}

interface Sli {
  /** Bad events per second and all events per second over the window. */
  badRate: number;
  totalRate: number;
  ratio: number;
  burnRate: number;
}

interface SloJudgement {
  id: string;
  verdict: 'pass' | 'fail' | 'inconclusive';
  canary: Sli;
  stable: Sli;
  /** The canary's highest burn rate that passes. */
  limit: number;
  canaryRequests: number;
  canaryBadEvents: number;
  /** How likely the canary's bad events were had it burned at `limit`; it fails below SIGNIFICANCE. */
  pValue: number;
  queries: { canary: { errors: string; total: string }; stable: { errors: string; total: string } };
}

export interface Judgement {
  verdict: 'pass' | 'fail' | 'inconclusive';
  slos: SloJudgement[];
}

/** A Prometheus duration (`30s`, `2m`, `1h`) in seconds. */
export function durationSeconds(window: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(window);
  if (!match) throw new Error(`not a Prometheus duration: ${window}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
}

const fill = (template: string, colour: string, window: string) =>
  template.replaceAll('$COLOUR', colour).replaceAll('$WINDOW', window);

async function sli(
  query: PromQuery,
  slo: AnalysisSpec['slos'][number],
  queries: { errors: string; total: string },
): Promise<Sli> {
  const [badRate, totalRate] = await Promise.all([query(queries.errors), query(queries.total)]);
  const ratio = totalRate > 0 ? Math.max(0, badRate) / totalRate : 0;
  return { badRate, totalRate, ratio, burnRate: ratio / slo.errorBudget };
}

export async function judge(
  spec: AnalysisSpec,
  query: PromQuery,
  colours: Colours,
  options: { window: string; minRequests: number },
): Promise<Judgement> {
  const seconds = durationSeconds(options.window);
  const slos: SloJudgement[] = [];
  for (const slo of spec.slos) {
    const queries = {
      canary: {
        errors: fill(slo.errors, colours.canary, options.window),
        total: fill(slo.total, colours.canary, options.window),
      },
      stable: {
        errors: fill(slo.errors, colours.stable, options.window),
        total: fill(slo.total, colours.stable, options.window),
      },
    };
    const [canary, stable] = await Promise.all([
      sli(query, slo, queries.canary),
      sli(query, slo, queries.stable),
    ]);
    const limit = Math.min(spec.maxBurnRate, spec.stableTimes * stable.burnRate + spec.stablePlus);
    const canaryRequests = Math.round(canary.totalRate * seconds);
    const canaryBadEvents = Math.min(
      canaryRequests,
      Math.round(Math.max(0, canary.badRate) * seconds),
    );
    const allowedRatio = Math.min(1, limit * slo.errorBudget);
    const pValue = binomialUpperTail(canaryRequests, allowedRatio, canaryBadEvents);
    const verdict =
      canaryRequests < options.minRequests
        ? 'inconclusive'
        : canary.burnRate > limit && pValue < SIGNIFICANCE
          ? 'fail'
          : 'pass';
    slos.push({
      id: slo.id,
      verdict,
      canary,
      stable,
      limit,
      canaryRequests,
      canaryBadEvents,
      pValue,
      queries,
    });
  }
  const verdicts = new Set(slos.map((slo) => slo.verdict));
  return {
    verdict: verdicts.has('fail') ? 'fail' : verdicts.has('inconclusive') ? 'inconclusive' : 'pass',
    slos,
  };
}

/** An instant query against Prometheus's HTTP API. */
export function prometheusQuery(baseUrl: string, timeoutMs: number): PromQuery {
  return async (promql) => {
    const url = new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    url.searchParams.set('query', promql);
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json().catch(() => undefined)) as
      | { status: string; error?: string; data?: { result: { value: [number, string] }[] } }
      | undefined;
    if (!response.ok || body?.status !== 'success' || !body.data)
      throw new Error(`Prometheus answered ${response.status}: ${body?.error ?? 'no result'}`);
    return body.data.result.reduce((sum, sample) => sum + Number(sample.value[1]), 0);
  };
}
