// End to end with a real Prometheus (Debian's package) on loopback, loaded with the project's
// rules and exemplar storage, scraping the real app every second while a bounded load runs —
// successes, client errors, slow requests and 504s (made honestly: a lock on `users` outlasts the
// request timeout) — beside a second app, the green colour as a canary whose probe route fails,
// with the rollout state the chart would record for a 10% canary. Then: the target is up; every rule evaluates without error; every recording
// rule has series; every dashboard query, with Grafana's macros substituted, parses and returns
// data; and an exemplar's trace id is the one in the request's log line and in a span that reached
// a real OTLP/HTTP receiver. About 13 s (5 of them waiting for Prometheus's first scrape).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { canaryBurnAlertName } from '../../alerts/canary-rules.ts';
import { rolloutStateGroup, trafficShares } from '../../alerts/rollout-state.ts';
import { ruleFiles } from '../../alerts/rules.ts';
import { JOB, slos } from '../../alerts/slos.ts';
import { dashboards } from '../../grafana/src/dashboards.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type ObservedApp, startObservedApp } from '../support/observed-app.ts';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.ts';
import { type Prometheus, startPrometheus } from '../support/prometheus.ts';
import { describeWithTool } from '../support/tools.ts';

const ROOT = join(import.meta.dirname, '../..');
const LOAD_MS = 3_000;
const REQUEST_TIMEOUT_MS = 400;
const LOCK_MS = 700;
/** The chart's rollout-state rules for blue stable and green a 10% canary. */
const ROLLOUT_STATE = {
  groups: [rolloutStateGroup(trafficShares({ active: 'blue', idle: 'green', canaryWeight: 10 }))],
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One full garbage collection, now. prom-client's `nodejs_gc_duration_seconds` has a series for
 * a kind only once a collection of that kind was observed, and a short load in a fresh process
 * may allocate less than V8's young generation (sized by the machine's memory), so the runtime
 * dashboard's GC panel had no data in some runs. A service collects garbage within seconds; the
 * test makes that happen for sure instead of hoping the load does.
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describeWithTool('prometheus', (prometheusPath) => {
  let database: TestDatabase;
  let receiver: OtlpReceiver;
  let app: ObservedApp;
  let canary: ObservedApp;
  let stateDir: string;
  let prometheus: Prometheus | undefined;
  let prometheusUrl: string;
  const statuses = new Map<number, number>();

  const query = (promql: string) => (prometheus as Prometheus).query(promql);

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = await startOtlpReceiver();
    app = await startObservedApp(database.url, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      RELEASE: '1.2.3',
      DEPLOYMENT_COLOUR: 'blue',
    });
    const { telemetry } = app.deps;
    collectGarbage();
    // Series whose producers this load does not reach (a flagged endpoint, version usage and
    // sunset, backfill progress, the flag client's sync state), set through the same metric
    // objects the producers use, so that every panel and rule has data to answer with.
    app.app.get('/api/v1/flag-probe', (c) => {
      telemetry.recordFlagEvaluation({ key: 'new_recommendation_algo', variant: 'on' });
      return c.json({ ok: true });
    });
    telemetry.metrics.apiVersionSunset.set({ api_version: 'v1' }, Date.now() / 1000 + 20 * 86400);
    telemetry.metrics.migrationBackfillRows.set({ migration: '0002_backfill' }, 100);
    telemetry.metrics.featureFlagClientLastSync.set(Date.now() / 1000);
    telemetry.metrics.featureFlagClientErrors.inc({ error_type: 'unavailable' }, 0);

    // The canary: the same app as the green colour, with a route that fails (a stand-in for a
    // bad new version), so its SLIs differ from the stable colour's.
    canary = await startObservedApp(database.url, {
      LOG_LEVEL: 'silent',
      RELEASE: '1.3.0',
      DEPLOYMENT_COLOUR: 'green',
    });
    canary.app.get('/api/v1/canary-probe', (c) => c.json({ broken: true }, 500));
    stateDir = await mkdtemp(join(tmpdir(), 'myapp-rollout-state-'));
    await writeFile(join(stateDir, 'rollout-state.yaml'), stringify(ROLLOUT_STATE));

    prometheus = await startPrometheus(prometheusPath, {
      job: JOB,
      targets: [new URL(app.metricsUrl).host, new URL(canary.metricsUrl).host],
      ruleFiles: [
        ...Object.keys(ruleFiles().rules).map((file) => join(ROOT, file)),
        join(stateDir, 'rollout-state.yaml'),
      ],
    });
    prometheusUrl = prometheus.url;

    // The bounded load: 4 clients for LOAD_MS, and a lock on `users` in the middle of it.
    const started = Date.now();
    const requests = [
      () => fetch(`${app.url}/api/v1/users?limit=5`),
      () => fetch(`${app.url}/api/v1/users/999999`),
      () =>
        fetch(`${app.url}/api/v1/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"name": ""}',
        }),
      () => fetch(`${app.url}/api/v1/flag-probe`),
      () => fetch(`${app.url}/health`),
    ];
    const client = async (offset: number) => {
      for (let n = offset; Date.now() - started < LOAD_MS; n++) {
        const response = await (requests[n % requests.length] as () => Promise<Response>)();
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        telemetry.metrics.apiVersionRequests.inc({ api_version: 'v1', api_client: 'other' });
        telemetry.metrics.migrationBackfillRowsProcessed.inc({ migration: '0002_backfill' });
      }
    };
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    const locked = (async () => {
      await sleep(LOAD_MS / 3);
      await sql.begin(async (tx) => {
        await tx`lock table users in access exclusive mode`;
        await sleep(LOCK_MS);
      });
    })();
    const canaryRequests = [
      () => fetch(`${canary.url}/api/v1/users?limit=5`),
      () => fetch(`${canary.url}/api/v1/canary-probe`),
    ];
    const canaryClient = async () => {
      for (let n = 0; Date.now() - started < LOAD_MS; n++) {
        const response = await (
          canaryRequests[n % canaryRequests.length] as () => Promise<Response>
        )();
        await response.arrayBuffer();
      }
    };
    await Promise.all([...[0, 1, 2, 3].map(client), canaryClient()]);
    await locked;
    await sql.end();
    // Two scrapes and evaluations past the end of the load.
    await sleep(2_500);
  });

  afterAll(async () => {
    await prometheus?.close();
    await app?.close();
    await canary?.close();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
    await receiver?.close();
    await database?.drop();
  });

  it('ran a load with successes, client errors and timeouts', () => {
    expect(statuses.get(200)).toBeGreaterThan(10);
    expect(statuses.get(404)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(504), JSON.stringify([...statuses])).toBeGreaterThan(0);
  });

  it('scrapes both colours: the targets are up', async () => {
    const result = await query(`up{job="${JOB}"}`);
    expect(result.data.result.map((sample) => sample.value[1])).toEqual(['1', '1']);
  });

  it('evaluates every rule without error', async () => {
    const response = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const rules = response.data.groups.flatMap((group) => group.rules);
    const expected = [...Object.values(ruleFiles().rules), ROLLOUT_STATE].flatMap((file) =>
      file.groups.flatMap((group) => group.rules),
    );
    expect(rules).toHaveLength(expected.length);
    const unhealthy = rules.filter((rule) => rule.health !== 'ok');
    expect(unhealthy.map((rule) => `${rule.name}: ${rule.health} ${rule.lastError}`)).toEqual([]);
  });

  it('produces series for every recording rule', async () => {
    const recordings = Object.values(ruleFiles().rules).flatMap((file) =>
      file.groups.flatMap((group) =>
        group.rules.flatMap((rule) => ('record' in rule ? [rule] : [])),
      ),
    );
    expect(recordings.length).toBeGreaterThan(10);
    const empty: string[] = [];
    for (const rule of recordings) {
      const labels = Object.entries(rule.labels ?? {})
        .map(([name, value]) => `${name}="${value}"`)
        .join(',');
      const result = await query(`${rule.record}{${labels}}`);
      if (result.data.result.length === 0) empty.push(`${rule.record}{${labels}}`);
    }
    expect(empty).toEqual([]);
  });

  it('answers every dashboard panel query with data', async () => {
    const failures: string[] = [];
    let count = 0;
    for (const [file, dashboard] of Object.entries(dashboards)) {
      const panels = (dashboard.panels ?? []) as {
        title: string;
        targets?: { expr: string }[];
      }[];
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          count++;
          // Grafana's macros as Grafana would fill them for this scrape interval and time range.
          const expr = target.expr.replaceAll('$__rate_interval', '1m');
          const result = await query(expr);
          if (result.status !== 'success')
            failures.push(`${file} / ${panel.title}: ${result.error} in ${expr}`);
          else if (result.data.result.length === 0)
            failures.push(`${file} / ${panel.title}: no data for ${expr}`);
        }
      }
    }
    expect(count).toBeGreaterThan(30);
    expect(failures).toEqual([]);
  });

  it('shows the canary beside the stable colour, each under its role', async () => {
    const rollout = dashboards['rollout.json'] as unknown as {
      panels: { title: string; targets?: { expr: string; legendFormat?: string }[] }[];
    };
    const byRole = rollout.panels.filter((panel) =>
      panel.targets?.some((target) => target.legendFormat?.includes('{{role}}')),
    );
    expect(byRole.length).toBeGreaterThanOrEqual(6);
    for (const panel of byRole) {
      for (const target of panel.targets ?? []) {
        const result = await query(target.expr.replaceAll('$__rate_interval', '1m'));
        const roles = result.data.result.map(
          (sample) => `${sample.metric.role} ${sample.metric.colour}`,
        );
        expect(roles.sort(), `${panel.title}: ${target.expr}`).toEqual([
          'canary green',
          'stable blue',
        ]);
      }
    }
    // The canary's probe fails half its requests: its 5xx ratio is far above the stable colour's.
    const errors = rollout.panels.find((panel) => panel.title.startsWith('5xx ratio by role'));
    const ratios = await query(
      errors?.targets?.[0]?.expr.replaceAll('$__rate_interval', '1m') ?? '',
    );
    const ratioOf = (role: string) =>
      Number(ratios.data.result.find((sample) => sample.metric.role === role)?.value[1]);
    expect(ratioOf('canary')).toBeGreaterThan(0.2);
    expect(ratioOf('canary')).toBeGreaterThan(ratioOf('stable'));
  });

  it("picks out the failing canary colour with the canary alert's expression", async () => {
    // The alert itself waits its `for` (promtool's tests cover that); its expression is checked
    // here against the series real apps and real Prometheus make (build_info's join, the state).
    const rules = Object.values(ruleFiles().rules).flatMap((file) =>
      file.groups.flatMap((group) => group.rules),
    );
    const availability = slos.find((slo) => slo.sli.kind === 'availability');
    const alert = rules.find(
      (rule) => 'alert' in rule && availability && rule.alert === canaryBurnAlertName(availability),
    );
    const result = await query(alert?.expr ?? '');
    expect(result.status).toBe('success');
    expect(result.data.result.map((sample) => sample.metric.colour)).toEqual(['green']);
  });

  it('parses every dashboard annotation query', async () => {
    const failures: string[] = [];
    let count = 0;
    for (const [file, dashboard] of Object.entries(dashboards)) {
      const annotations = (dashboard.annotations?.list ?? []) as { name: string; expr?: string }[];
      for (const annotation of annotations) {
        if (!annotation.expr) continue;
        count++;
        const expr = annotation.expr.replaceAll('$__rate_interval', '1m');
        const result = await query(expr);
        // Marks are events: no flag changed during this test, so an empty answer is right.
        if (result.status !== 'success')
          failures.push(`${file} / ${annotation.name}: ${result.error} in ${expr}`);
      }
    }
    expect(count).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });

  it('keeps exemplars whose trace id is in the log line and in an exported span', async () => {
    const now = Date.now() / 1000;
    const selector = `http_server_request_duration_seconds_bucket{job="${JOB}",http_request_method="GET",http_route="/api/v1/users"}`;
    const response = (await (
      await fetch(
        `${prometheusUrl}/api/v1/query_exemplars?query=${encodeURIComponent(selector)}&start=${now - 60}&end=${now}`,
      )
    ).json()) as { data: { exemplars: { labels: { trace_id?: string } }[] }[] };
    const traceIds = response.data.flatMap((series) =>
      series.exemplars.flatMap((exemplar) => exemplar.labels.trace_id ?? []),
    );
    expect(traceIds.length).toBeGreaterThan(0);
    const traceId = traceIds.at(-1) as string;

    const line = app.logs.find((entry) => entry.msg === 'request' && entry.trace_id === traceId);
    expect(line).toMatchObject({ route: '/api/v1/users', method: 'GET' });

    let span: (typeof receiver.spans)[number] | undefined;
    for (let attempt = 0; attempt < 50 && !span; attempt++) {
      span = receiver.spans.find((entry) => entry.traceId === traceId && entry.kind === 2);
      if (!span) await sleep(50);
    }
    expect(span?.name).toBe('GET /api/v1/users');
    expect(span?.spanId).toBe(line?.span_id);
  });
});
