// One rehearsal: a database of its own, the cluster stand-in, helm through the Helm 4 model, the
// load, and at the end the acknowledged-write check and the JSON report.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { runProcess } from '../../app/run-process.ts';
import { findHelm, type SetValues } from '../chart/helm.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { describeWithTool } from '../support/tools.ts';
import { EXTERNAL_DATABASE } from './chart-cases.ts';
import { Cluster } from './cluster.ts';
import { EXPECTED_FAILURES } from './expected-failures.ts';
import type { HelmOptions, Outcome } from './helm4-model.ts';
import { podEvents } from './kubelet.ts';
import { checkAcknowledgedWrites, Load, type Target } from './load.ts';
import type { K8sObject } from './manifests.ts';
import { CURRENT_TAG, codeDirFor } from './releases.ts';
import {
  type ExpectedFailureRule,
  failed,
  failureKinds,
  figures,
  percentile,
  REPORT_DIR,
  type ScenarioReport,
  type Window,
  writeReport,
} from './report.ts';

/** Every Service the chart can render for the release `myapp`. */
const SERVICES = ['myapp', 'myapp-preview', 'myapp-metrics', 'myapp-blue', 'myapp-green'];

export interface RehearsalOptions {
  scenario: string;
  helm: string;
  /** Values on top of the rehearsal's base (an external database, this run's image tag). */
  values?: SetValues;
  postRender?: (objects: K8sObject[]) => K8sObject[];
  endpointLagMs?: number;
  /** A database URL to use instead of a fresh test database (chaos: a server the test stops). */
  databaseUrl?: string;
}

class HelmFailed extends Error {}

/** How long endpoint changes take to reach kube-proxy and the ingress controller. */
const DEFAULT_ENDPOINT_LAG_MS = 1_000;

export class Rehearsal {
  readonly cluster: Cluster;
  values: SetValues;
  load: Load | undefined;
  readonly databaseUrl: string;
  private readonly database: TestDatabase | undefined;
  private readonly windows: Window[] = [];
  private readonly notes: string[] = [];
  private readonly startedAt = Date.now();
  private readonly scenario: string;
  private endpointLagMs = DEFAULT_ENDPOINT_LAG_MS;
  /** The values of the last command that succeeded: what a rollback returns to. */
  private deployedValues: SetValues = {};

  private constructor(
    scenario: string,
    cluster: Cluster,
    values: SetValues,
    databaseUrl: string,
    database?: TestDatabase,
  ) {
    this.scenario = scenario;
    this.cluster = cluster;
    this.values = values;
    this.databaseUrl = databaseUrl;
    this.database = database;
  }

  static async start(options: RehearsalOptions): Promise<Rehearsal> {
    const database = options.databaseUrl ? undefined : await createTestDatabase();
    const databaseUrl = options.databaseUrl ?? (database as TestDatabase).url;
    const dir = join(REPORT_DIR, 'runs', options.scenario.replace(/[^a-z0-9]+/gi, '-'));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const cluster = await Cluster.start({
      dir,
      helm: options.helm,
      codeDir: codeDirFor,
      services: SERVICES,
      ingressService: 'myapp',
      endpointLagMs: options.endpointLagMs ?? DEFAULT_ENDPOINT_LAG_MS,
      postRender: options.postRender,
    });
    const values: SetValues = {
      ...EXTERNAL_DATABASE,
      'externalDatabase.url': databaseUrl,
      'image.tag': CURRENT_TAG,
      'ingress.enabled': true,
      // The load's clients reach the pods through L4 proxies that hide their addresses, and an
      // API key is no identity: every client would share one bucket. The scenarios prove zero
      // downtime; ingress-rate-limits.test.ts proves the limits, through the ingress.
      // 0 or absent is unlimited; one key, as helm's --set splits a value at its commas.
      'rateLimit.limits': 'v1=0',
      // Fewer log lines: two cores run every pod, the proxies and the load.
      'config.LOG_LEVEL': 'warn',
      // ConfigMaps no pod reads; leaving them out keeps each render small.
      'grafanaDashboards.enabled': false,
      ...options.values,
    };
    const rehearsal = new Rehearsal(options.scenario, cluster, values, databaseUrl, database);
    rehearsal.endpointLagMs = options.endpointLagMs ?? DEFAULT_ENDPOINT_LAG_MS;
    return rehearsal;
  }

  note(text: string): void {
    this.notes.push(text);
    this.cluster.note(text);
  }

  /**
   * `helm install --wait`. While the chart's first install with an external database is a known
   * failure, the release is installed the way an operator must today: migrations run by hand
   * (the current release's CLI), then the chart with its migration hooks off.
   */
  async install(set: SetValues = {}, options: HelmOptions = { wait: true }): Promise<void> {
    this.values = { ...this.values, ...set };
    if (EXPECTED_FAILURES['first install with an external database']) {
      this.note(
        "first install: migrations run by hand, hooks off (the chart's pre-install hooks cannot run yet)",
      );
      // The installed release's own CLI, as its image would run it.
      const tag = String(this.values['image.tag']);
      const cli = await runProcess(process.execPath, ['app/db/migrate/cli.ts', 'all'], {
        cwd: codeDirFor(tag),
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: this.databaseUrl },
      });
      if (cli.code !== 0) throw new Error(`migrate all failed: ${cli.stderr}`);
      const outcome = await this.cluster.install(
        { ...this.values, 'migrations.enabled': false },
        options,
      );
      if (!outcome.ok) throw new HelmFailed(outcome.error?.message);
    } else {
      const outcome = await this.cluster.install(this.values, options);
      if (!outcome.ok) throw new HelmFailed(outcome.error?.message);
    }
    this.deployedValues = { ...this.values };
    // --wait returns once the pods are ready; the endpoints reach the proxies a lag later. Users
    // arrive after the install, not during it.
    await sleep(this.endpointLagMs + 500);
  }

  /** `helm upgrade --reset-then-reuse-values --set …`; returns the outcome (failed or not). */
  async upgrade(set: SetValues, options: HelmOptions = { wait: true }): Promise<Outcome> {
    const values = { ...this.values, ...set };
    const outcome = await this.cluster.upgrade(values, options);
    // Helm records a failed upgrade's values too; the next command reuses them, unless Helm
    // rolled back, which makes the revision it returned to (and its values) the newest again.
    if (outcome.ok) this.deployedValues = values;
    this.values = outcome.rollback?.ok ? { ...this.deployedValues } : values;
    return outcome;
  }

  /**
   * The standard load: by default 70 % through the main Service, 30 % through the ingress;
   * `gatewayShare` sends a share through the Gateway instead (where the HTTPRoute's weights
   * apply), taken from the Service's.
   */
  startLoad(
    options: {
      clients?: number;
      ratePerSecond?: number;
      ingressShare?: number;
      gatewayShare?: number;
    } = {},
  ): Load {
    const proxy = this.cluster.proxy;
    const ingressShare = options.ingressShare ?? 0.3;
    const gatewayShare = options.gatewayShare ?? 0;
    const targets: Target[] = [
      {
        via: 'service',
        address: proxy.serviceAddress('myapp') as string,
        share: 1 - ingressShare - gatewayShare,
      },
      {
        via: 'ingress',
        address: (proxy.ingressUrl as string).replace('http://', ''),
        share: ingressShare,
      },
      { via: 'gateway', address: proxy.gatewayAddress as string, share: gatewayShare },
    ].filter((target) => target.share > 0);
    this.load = new Load(targets, {
      clients: options.clients ?? 40,
      ratePerSecond: options.ratePerSecond ?? 30,
    });
    this.load.start();
    return this.load;
  }

  /**
   * Samples which releases the main Service sends traffic to, every 250 ms, until the returned
   * function is called; it returns the longest time (ms) both were served at once.
   */
  trackServing(tags: [string, string]): () => number {
    let both = 0;
    let since: number | undefined;
    const timer = setInterval(() => {
      const serving = this.cluster.servingTags('myapp');
      const mixed = (serving[tags[0]] ?? 0) > 0 && (serving[tags[1]] ?? 0) > 0;
      if (mixed) since ??= Date.now();
      else if (since !== undefined) {
        both = Math.max(both, Date.now() - since);
        since = undefined;
      }
    }, 250);
    return () => {
      clearInterval(timer);
      if (since !== undefined) both = Math.max(both, Date.now() - since);
      this.note(`${tags.join(' and ')} served side by side for ${both} ms`);
      return both;
    };
  }

  /** The change window that ran last. */
  lastWindow(): Window {
    const window = this.windows[this.windows.length - 1];
    if (!window) throw new Error('no change ran yet');
    return window;
  }

  /** Runs `body` as one change window of the report. */
  async change<T>(label: string, body: () => Promise<T>): Promise<T> {
    const window: Window = { label, from: Date.now(), to: Date.now() };
    this.windows.push(window);
    try {
      return await body();
    } finally {
      window.to = Date.now();
    }
  }

  /**
   * Stops the load, checks every acknowledged write, writes the report. `expected` names the
   * failures the scenario provokes (which samples they are, and their bound): they are reported
   * apart, and the report is ok only when they stay within the bound and nothing else failed.
   */
  async finish(
    extra: { ok?: boolean; expected?: ExpectedFailureRule; details?: Record<string, unknown> } = {},
  ): Promise<ScenarioReport> {
    const load = this.load;
    if (!load) throw new Error('no load was started');
    await load.stop();
    this.cluster.note(`load stopped; checking ${load.created.length} acknowledged writes`);
    const lost = await checkAcknowledgedWrites(this.databaseUrl, load);
    const changeSamples = load.samples.filter((s) =>
      this.windows.some((w) => s.at >= w.from && s.at <= w.to),
    );
    const failures = load.samples.filter(failed).length;
    const lostWrites = lost.missing.length + lost.wrongUpdates.length;
    const expected = extra.expected;
    const expectedCount = expected
      ? load.samples.filter((sample) => failed(sample) && expected.matches(sample)).length
      : 0;
    const unexpected = failures - expectedCount;
    const report: ScenarioReport = {
      scenario: this.scenario,
      ok:
        (extra.ok ?? true) &&
        unexpected === 0 &&
        lostWrites === 0 &&
        (!expected || expectedCount <= expected.bound),
      durationSeconds: Math.round((Date.now() - this.startedAt) / 100) / 10,
      requests: load.samples.length,
      failures,
      lostWrites,
      changes: this.windows.map((w) => figures(load.samples, w)),
      p99DuringChangeMs: percentile(
        changeSamples.filter((s) => !s.op.startsWith('slow')).map((s) => s.ms),
        99,
      ),
      failureKinds: failureKinds(load.samples),
      ...(expected
        ? {
            expectedFailures: {
              reason: expected.reason,
              observed: expectedCount,
              bound: expected.bound,
              formula: expected.formula,
            },
            unexpectedFailureKinds: failureKinds(
              load.samples.filter((sample) => !expected.matches(sample)),
            ),
          }
        : {}),
      ...(extra.details ? { details: extra.details } : {}),
      failedSamples: load.samples.filter(failed).slice(0, 40),
      acknowledgedWrites: load.created.length,
      notes: [
        ...this.notes,
        ...lost.missing.slice(0, 5).map((m) => `lost: user ${m.id} <${m.email}>`),
        ...lost.wrongUpdates.slice(0, 5).map((w) => `lost update: user ${w.id} has ${w.email}`),
      ],
      events: [
        ...this.cluster.events,
        ...podEvents.map((e) => ({ at: e.at, what: `${e.pod}: ${e.event}` })),
      ].sort((a, b) => a.at - b.at),
    };
    this.note(`report: ${writeReport(report)}`);
    return report;
  }

  async close(): Promise<void> {
    await this.load?.stop().catch(() => {});
    await this.cluster.stop();
    await this.database?.drop();
  }
}

/** A rehearsal suite: needs HAProxy (Debian) and helm; skips loudly without, fails under CI. */
export function describeRehearsal(name: string, body: (helm: string) => void): void {
  describeWithTool('haproxy', () => {
    const helm = findHelm();
    if (!helm) throw new Error('no helm: see test/chart/helm.ts');
    describe(name, () => body(helm));
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The promise: no request failed for any reason, and every acknowledged write is there. */
export function expectZeroDowntime(report: ScenarioReport): void {
  expect(report.failureKinds).toEqual({});
  expect(report.lostWrites).toBe(0);
}
