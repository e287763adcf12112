// Helm reads only files inside the chart folder, so the project's alert rules (alerts/) and
// Grafana dashboards (grafana/) reach the chart as copies under chart/files/. This module
// plans the copies, which `npm run generate` writes (deleting copies whose source is gone).
//
// What counts as a source is decided by content, wherever it sits under the folder: a YAML file
// with a top-level `groups` list is a Prometheus rule file (promtool test files have
// `rule_files` instead, an SLO spec has neither); a JSON file with a `panels` list is a dashboard.
// The copies are flat (chart/files/alerts/<name>.yaml, chart/files/dashboards/<name>.json), so
// two sources with one file name are an error.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..');

interface Kind {
  source: string;
  target: string;
  extensions: readonly string[];
  /** The file name in the chart (the source's base name with a canonical extension). */
  targetName: (source: string) => string;
  accepts: (text: string) => boolean;
}

const KINDS: readonly Kind[] = [
  {
    source: 'alerts',
    target: 'chart/files/alerts',
    extensions: ['.yaml', '.yml'],
    targetName: (source) => `${basename(source).replace(/\.ya?ml$/, '')}.yaml`,
    accepts: (text) => {
      const document = parse(text) as unknown;
      return isObject(document) && Array.isArray(document.groups);
    },
  },
  {
    source: 'grafana',
    target: 'chart/files/dashboards',
    extensions: ['.json'],
    targetName: (source) => basename(source),
    accepts: (text) => {
      const document = JSON.parse(text) as unknown;
      return isObject(document) && Array.isArray(document.panels);
    },
  },
];

/** One copy the chart should hold: where it comes from, where it goes, what it says. */
export interface PlannedCopy {
  source: string;
  target: string;
  text: string;
}

/** Every copy the chart should hold, from the sources as they are now (paths relative to root). */
export async function plannedCopies(root = ROOT): Promise<PlannedCopy[]> {
  const copies: PlannedCopy[] = [];
  for (const kind of KINDS) {
    const byTarget = new Map<string, string>();
    for (const source of await filesUnder(join(root, kind.source), kind.extensions)) {
      const text = await readFile(source, 'utf8');
      if (!kind.accepts(text)) continue;
      const target = join(kind.target, kind.targetName(source));
      const other = byTarget.get(target);
      if (other)
        throw new Error(
          `${relative(root, other)} and ${relative(root, source)} would both be copied to ${target}: rename one`,
        );
      byTarget.set(target, source);
      copies.push({ source: relative(root, source), target, text });
    }
  }
  return copies.sort((a, b) => (a.target < b.target ? -1 : 1));
}

/** What differs between the chart's copies and the planned ones: missing, changed or stale. */
export async function differences(root = ROOT): Promise<string[]> {
  const planned = await plannedCopies(root);
  const found: string[] = [];
  for (const copy of planned) {
    const current = await readFile(join(root, copy.target), 'utf8').catch(() => undefined);
    if (current === undefined) found.push(`missing  ${copy.target} (from ${copy.source})`);
    else if (current !== copy.text) found.push(`changed  ${copy.target} (from ${copy.source})`);
  }
  const wanted = new Set(planned.map((copy) => copy.target));
  for (const kind of KINDS) {
    for (const file of await filesUnder(join(root, kind.target), kind.extensions)) {
      const target = relative(root, file);
      if (!wanted.has(target)) found.push(`stale    ${target} (its source is gone)`);
    }
  }
  return found;
}

async function filesUnder(dir: string, extensions: readonly string[]): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext)))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.split('/').includes('node_modules'))
    .sort();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
