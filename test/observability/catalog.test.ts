// One source of truth, checked: the registry exposes exactly the catalog; rules and dashboards
// name only catalog metrics (or series the rules record); every alert links to a runbook section
// and a dashboard that exist; the generated files are current. Pure checks, well under a second.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROLLOUT_WEIGHT } from '../../alerts/rollout-state.ts';
import { ruleFiles } from '../../alerts/rules.ts';
import { slos } from '../../alerts/slos.ts';
import { createMetrics } from '../../app/telemetry/metrics.ts';
import {
  appMetrics,
  HTTP_DURATION_BUCKETS,
  knownSeriesNames,
  type MetricDefinition,
  runtimeMetrics,
} from '../../app/telemetry/metrics-catalog.ts';
import { dashboards } from '../../grafana/src/dashboards.ts';
import { DATASOURCE } from '../../grafana/src/panels.ts';
import { observabilityFiles } from '../../scripts/observability-files.ts';

const ROOT = join(import.meta.dirname, '../..');

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}

function panelsOf(dashboard: unknown): Panel[] {
  return ((dashboard as { panels?: Panel[] }).panels ?? []).filter((panel) => panel.type !== 'row');
}

function annotationsOf(dashboard: unknown): { name: string; expr?: string }[] {
  return (
    (dashboard as { annotations?: { list?: { name: string; expr?: string }[] } }).annotations
      ?.list ?? []
  );
}

/** Every PromQL query of the dashboards: panel targets and annotations. */
function dashboardQueries(): { dashboard: string; panel: string; expr: string }[] {
  return Object.entries(dashboards).flatMap(([file, dashboard]) => [
    ...panelsOf(dashboard).flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({
        dashboard: file,
        panel: panel.title,
        expr: target.expr,
      })),
    ),
    ...annotationsOf(dashboard).flatMap((annotation) =>
      annotation.expr
        ? [{ dashboard: file, panel: `annotation ${annotation.name}`, expr: annotation.expr }]
        : [],
    ),
  ]);
}

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function allRules(): Rule[] {
  return Object.values(ruleFiles().rules).flatMap((file) =>
    file.groups.flatMap((group) => group.rules as Rule[]),
  );
}

/** Metric names in a PromQL expression: identifiers right before a selector's `{` or a `[`. */
function metricNames(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...withoutStrings.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{[]/g)]
    .map((match) => match[1] as string)
    .filter((name) => !/^(by|without|on|ignoring|group_left|group_right)$/.test(name));
}

describe('the metrics catalog', () => {
  it('is exactly what a fresh registry exposes', async () => {
    const { registry } = createMetrics();
    const exposed = registry.getMetricsAsArray().map((metric) => {
      const { name, type } = metric as unknown as { name: string; type: string };
      return `${name} ${type}`;
    });
    const catalog = [
      ...(Object.values(appMetrics) as MetricDefinition[]).map((m) => `${m.name} ${m.type}`),
      ...Object.entries(runtimeMetrics).map(([name, type]) => `${name} ${type}`),
    ];
    expect(exposed.sort()).toEqual(catalog.sort());
  });

  it('puts a request-duration bucket boundary at every latency SLO threshold', () => {
    for (const slo of slos) {
      if (slo.sli.kind === 'latency')
        expect(HTTP_DURATION_BUCKETS as readonly number[]).toContain(slo.sli.thresholdSeconds);
    }
  });

  it('names every metric the rules and dashboards read', () => {
    const known = knownSeriesNames();
    const recorded = new Set(allRules().flatMap((rule) => (rule.record ? [rule.record] : [])));
    // Recorded by the chart's rollout-state PrometheusRule from values (test/chart/canary.test.ts).
    recorded.add(ROLLOUT_WEIGHT);
    const used = [
      ...allRules().map((rule) => ({ where: rule.record ?? rule.alert, expr: rule.expr })),
      ...dashboardQueries().map((query) => ({
        where: `${query.dashboard}: ${query.panel}`,
        expr: query.expr,
      })),
    ];
    const unknown = used.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !known.has(name) && !recorded.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
    // The scan must see something, or it proves nothing.
    expect(used.flatMap(({ expr }) => metricNames(expr)).length).toBeGreaterThan(50);
  });
});

describe('alerts', () => {
  const alerts = allRules().filter((rule) => rule.alert);

  it('each carry severity, summary, description, runbook_url and dashboard_url', () => {
    expect(alerts.length).toBeGreaterThan(10);
    for (const alert of alerts) {
      expect(alert.labels?.severity, alert.alert).toMatch(/^(critical|warning|info)$/);
      expect(Object.keys(alert.annotations ?? {}).sort(), alert.alert).toEqual([
        'dashboard_url',
        'description',
        'runbook_url',
        'summary',
      ]);
    }
  });

  it('link to runbook sections and dashboards that exist', async () => {
    const runbooks = await readFile(join(ROOT, 'docs/runbooks.md'), 'utf8');
    // GitHub's anchors: lower case, spaces to dashes, punctuation dropped.
    const anchors = new Set(
      [...runbooks.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) =>
        (match[1] as string)
          .trim()
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    const uids = new Set(Object.values(dashboards).map((dashboard) => dashboard.uid));
    for (const alert of alerts) {
      const anchor = alert.annotations?.runbook_url?.split('#')[1];
      expect(anchors.has(anchor ?? ''), `${alert.alert}: runbook #${anchor}`).toBe(true);
      const uid = alert.annotations?.dashboard_url?.match(/\/d\/([\w-]+)/)?.[1];
      expect(uids.has(uid ?? ''), `${alert.alert}: dashboard ${uid}`).toBe(true);
    }
  });

  it('each have promtool tests where they fire and where they do not', () => {
    const tests = Object.values(ruleFiles().tests).flatMap((file) => file.tests);
    for (const name of new Set(alerts.map((alert) => alert.alert))) {
      const cases = tests.flatMap((test) =>
        test.alert_rule_test.filter((check) => check.alertname === name),
      );
      expect(
        cases.some((check) => check.exp_alerts.length > 0),
        `${name} fires in a test`,
      ).toBe(true);
      expect(
        cases.some((check) => check.exp_alerts.length === 0),
        `${name} stays quiet in a test`,
      ).toBe(true);
    }
  });
});

describe('dashboards', () => {
  it('have stable unique uids, a datasource variable, and read it in every panel', () => {
    const uids = Object.values(dashboards).map((dashboard) => dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const [file, dashboard] of Object.entries(dashboards)) {
      const variables = (dashboard.templating?.list ?? []) as { type: string; name: string }[];
      expect(variables, file).toContainEqual(
        expect.objectContaining({ type: 'datasource', name: 'datasource' }),
      );
      for (const panel of panelsOf(dashboard)) {
        expect(panel.datasource?.uid, `${file}: ${panel.title}`).toBe(DATASOURCE.uid);
        for (const target of panel.targets ?? [])
          expect(target.datasource?.uid, `${file}: ${panel.title}`).toBe(DATASOURCE.uid);
      }
    }
  });

  it('rate over $__rate_interval, never a fixed window', () => {
    for (const query of dashboardQueries()) {
      for (const window of query.expr.matchAll(/\[([^\]]+)\]/g))
        expect(window[1], `${query.dashboard}: ${query.panel}`).toBe('$__rate_interval');
    }
  });
});

describe('generated files', () => {
  it('are valid YAML that round-trips', async () => {
    for (const [path, content] of observabilityFiles()) {
      if (path.endsWith('.yaml')) expect(parse(content), path).toBeTypeOf('object');
    }
  });
});
