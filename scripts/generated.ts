// Every generated file of the project, each from its one source of truth, as path → content:
//   observability  Prometheus rules, promtool tests, Grafana dashboards (alerts/, grafana/src/)
//   chart assets   the chart's copies of the rules and dashboards (Helm reads only chart/)
//   chart values   chart/README.md's parameter table (the `# --` comments of values.yaml)
//   configuration  docs/configuration.md's tables, one per process (app/config/processes.ts)
//   canary         the canary analysis's SLI queries and budgets (alerts/canary-analysis.ts)
//   openapi        the published OpenAPI documents (docs/openapi/), refused on a breaking change
// `npm run generate` writes them; `npm run generate -- --check` (part of lint) and one test
// compare them with the files in the tree.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canaryAnalysisSpec } from '../alerts/canary-analysis.ts';
import { buildApiDocuments } from '../app/api/openapi/documents.ts';
import { configTable } from '../app/config/compose.ts';
import { processConfigs } from '../app/config/processes.ts';
import { END, START, valuesTable } from './chart-values-table.ts';
import { generatedJson, observabilityFiles } from './observability-files.ts';
import { findBreakingChanges } from './openapi/breaking-changes.ts';
import { readSnapshot, serialise, snapshotFiles } from './openapi/snapshots.ts';
import { differences, plannedCopies } from './sync-chart-assets.ts';

export const ROOT = join(import.meta.dirname, '..');

export interface Generated {
  /** Path relative to the root → the content it must have; `null`: it must not exist. */
  files: Map<string, string | null>;
  /** Why nothing may be written (a breaking change to a published API version). */
  refusals: string[];
}

/** Where the chart (and the analysis) read the canary analysis's spec. */
export const CANARY_SPEC = 'chart/files/analysis/canary.json';

/** The page whose table lists every environment variable. */
const CONFIG_PAGE = 'docs/configuration.md';
const CONFIG_START = '<!-- config-table:start -->';
const CONFIG_END = '<!-- config-table:end -->';

/** Each process's variables, under a heading naming the process (below the page's `##`). */
function configTables(): string {
  return processConfigs
    .map((process) => `### ${process.title}\n\n${configTable(process.variables)}`)
    .join('\n\n');
}

/** `text` with what lies between `start` and `end` replaced by `table`. */
function replaceBetween(path: string, text: string, start: string, end: string, table: string) {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${path} lacks ${start} … ${end}`);
  return `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`;
}

async function chartAssets(files: Map<string, string | null>): Promise<void> {
  // A copy of a generated file copies what it is about to become, not what is on disk.
  for (const copy of await plannedCopies(ROOT))
    files.set(copy.target, files.get(copy.source) ?? copy.text);
  for (const line of await differences(ROOT)) {
    const stale = /^stale\s+(\S+)/.exec(line)?.[1];
    if (stale) files.set(stale, null);
  }
}

async function openapi(files: Map<string, string | null>, refusals: string[]): Promise<void> {
  for (const [version, current] of Object.entries(buildApiDocuments())) {
    const paths = snapshotFiles(version);
    const next = {
      openapi31: serialise(current.openapi31),
      openapi30: serialise(current.openapi30),
    };
    const published = await readSnapshot(version);
    if (published && published.openapi30 !== next.openapi30) {
      for (const change of await findBreakingChanges(
        JSON.parse(published.openapi30),
        current.openapi30,
      ))
        refusals.push(`${version}: breaking: ${change.rule}  ${change.where}  ${change.detail}`);
    }
    files.set(relative(ROOT, fileURLToPath(paths.openapi31)), next.openapi31);
    files.set(relative(ROOT, fileURLToPath(paths.openapi30)), next.openapi30);
  }
}

export async function generated(): Promise<Generated> {
  const files = new Map<string, string | null>();
  const refusals: string[] = [];
  for (const [path, content] of observabilityFiles()) files.set(path, content);
  await chartAssets(files);
  files.set(
    CANARY_SPEC,
    generatedJson('alerts/slos.ts (alerts/canary-analysis.ts)', canaryAnalysisSpec()),
  );
  const chartReadme = 'chart/README.md';
  files.set(
    chartReadme,
    replaceBetween(
      chartReadme,
      await readFile(join(ROOT, chartReadme), 'utf8'),
      START,
      END,
      await valuesTable(),
    ),
  );
  files.set(
    CONFIG_PAGE,
    replaceBetween(
      CONFIG_PAGE,
      await readFile(join(ROOT, CONFIG_PAGE), 'utf8'),
      CONFIG_START,
      CONFIG_END,
      configTables(),
    ),
  );
  await openapi(files, refusals);
  return { files, refusals };
}

/** The generated files whose content in the tree differs from what the sources say. */
export async function staleFiles(files: Map<string, string | null>): Promise<string[]> {
  const stale: string[] = [];
  for (const [path, content] of files) {
    const current = await readFile(join(ROOT, path), 'utf8').catch(() => null);
    if (current !== content) stale.push(path);
  }
  return stale;
}
