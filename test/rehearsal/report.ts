// The numbers a scenario reports (requests, failures, lost writes, p99 during the change) and its
// JSON report file, one per scenario, in a folder CI prints into its log.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sample } from './load.ts';
import { ROOT } from './releases.ts';

export const REPORT_DIR = process.env.REHEARSAL_REPORT_DIR ?? join(ROOT, '.tmp/rehearsal');

export interface Window {
  label: string;
  from: number;
  to: number;
}

export interface WindowFigures {
  label: string;
  requests: number;
  failures: number;
  p99Ms: number;
  seconds: number;
}

/** A response that is not 2xx, or no response at all. */
export function failed(sample: Sample): boolean {
  return sample.status < 200 || sample.status >= 300;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export function figures(samples: Sample[], window: Window): WindowFigures {
  const inside = samples.filter((s) => s.at >= window.from && s.at <= window.to);
  return {
    label: window.label,
    requests: inside.length,
    failures: inside.filter(failed).length,
    // Deliberately slow requests (slow uploads) are not the latency clients see.
    p99Ms: percentile(
      inside.filter((s) => !s.op.startsWith('slow')).map((s) => s.ms),
      99,
    ),
    seconds: Math.round((window.to - window.from) / 100) / 10,
  };
}

/** `503 v2 read` / `ECONNRESET v1 create` → count. */
export function failureKinds(samples: Sample[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const sample of samples.filter(failed)) {
    const kind = `${sample.error ?? sample.status} ${sample.op} via ${sample.via}`;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}

/** Failures a scenario provokes on purpose (a bad canary's share), and how many it may cost. */
export interface ExpectedFailureRule {
  reason: string;
  /** Whether a failed sample is one of them (e.g. the canary's 504s while it had weight). */
  matches: (sample: Sample) => boolean;
  bound: number;
  /** How the bound was computed, with its figures. */
  formula: string;
}

export interface ScenarioReport {
  scenario: string;
  ok: boolean;
  durationSeconds: number;
  requests: number;
  failures: number;
  lostWrites: number;
  /** The change windows (a rollout, a switch…): their own figures. */
  changes: WindowFigures[];
  /** p99 over every change window together. */
  p99DuringChangeMs: number;
  failureKinds: Record<string, number>;
  /** Only in a scenario that provokes failures: how many it provoked, against its bound. */
  expectedFailures?: { reason: string; observed: number; bound: number; formula: string };
  /** Only with expectedFailures: every failure that is not one of them (must be none). */
  unexpectedFailureKinds?: Record<string, number>;
  /** Scenario-specific figures (an analysis verdict, measured durations). */
  details?: Record<string, unknown>;
  /** The first failed requests, for the post-mortem. */
  failedSamples: Sample[];
  acknowledgedWrites: number;
  notes: string[];
  events: { at: number; what: string }[];
}

export function writeReport(report: ScenarioReport): string {
  mkdirSync(REPORT_DIR, { recursive: true });
  const file = join(
    REPORT_DIR,
    `${report.scenario.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`,
  );
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
