// Small helpers over the Grafana Foundation SDK builders, so each dashboard file reads as a list
// of panels and queries. Every panel reads the dashboard's `datasource` variable (the Grafana
// sidecar does not resolve `${DS_PROMETHEUS}` inputs), and rates use `$__rate_interval`.
import {
  LegendDisplayMode,
  LegendPlacement,
  SortOrder,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  RowBuilder,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { JOB } from '../../alerts/slos.ts';

// Grafana's variable syntax, not a JavaScript template.
// biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana variable reference
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/** Every app series is selected by the scrape job. */
export const APP = `job="${JOB}"`;
export const RATE = '$__rate_interval';
// Error ratios are written `(errors or total * 0) / total`: a series with no errors shows 0, not
// "No data", and a series with only errors still shows 1.

export interface Query {
  expr: string;
  legend?: string;
}

type PanelBuilder = TimeseriesPanel | StatPanel;

export type Item = { row: string } | { panel: PanelBuilder };

function targets(queries: Query[]) {
  return queries.map((query, index) =>
    new DataqueryBuilder()
      .expr(query.expr)
      .legendFormat(query.legend ?? '__auto')
      .refId(String.fromCharCode(65 + index))
      .datasource(DATASOURCE),
  );
}

export function timeseries(
  title: string,
  unit: string,
  queries: Query[],
  options: { description?: string; width?: number; stacked?: boolean } = {},
): Item {
  let panel = new TimeseriesPanel()
    .title(title)
    .unit(unit)
    .datasource(DATASOURCE)
    .height(8)
    .span(options.width ?? 12)
    .fillOpacity(10)
    .legend(
      new VizLegendOptionsBuilder()
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Bottom)
        .showLegend(true)
        .calcs(['mean', 'max']),
    )
    .tooltip(
      new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending),
    );
  if (options.description) panel = panel.description(options.description);
  for (const target of targets(queries)) panel = panel.withTarget(target);
  return { panel };
}

export function stat(
  title: string,
  unit: string,
  queries: Query[],
  options: { description?: string; width?: number; decimals?: number } = {},
): Item {
  let panel = new StatPanel()
    .title(title)
    .unit(unit)
    .datasource(DATASOURCE)
    .height(5)
    .span(options.width ?? 6);
  if (options.decimals !== undefined) panel = panel.decimals(options.decimals);
  if (options.description) panel = panel.description(options.description);
  for (const target of targets(queries)) panel = panel.withTarget(target);
  return { panel };
}

/** Events marked on every panel's time axis: a Prometheus query whose series' points are events. */
export interface Annotation {
  name: string;
  expr: string;
  /** Title of each mark; may use `{{label}}`. */
  title: string;
  text: string;
}

export function row(title: string): Item {
  return { row: title };
}

export function dashboard(
  uid: string,
  title: string,
  description: string,
  items: Item[],
  annotations: Annotation[] = [],
): Dashboard {
  let builder = new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['myapp'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .withVariable(
      new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'),
    );
  for (const item of items) {
    builder =
      'row' in item ? builder.withRow(new RowBuilder(item.row)) : builder.withPanel(item.panel);
  }
  for (const annotation of annotations) {
    builder = builder.annotation(
      new AnnotationQueryBuilder()
        .name(annotation.name)
        .datasource(DATASOURCE)
        .enable(true)
        .iconColor('orange')
        .expr(annotation.expr)
        .step('1m')
        .titleFormat(annotation.title)
        .textFormat(annotation.text),
    );
  }
  return builder.build();
}
