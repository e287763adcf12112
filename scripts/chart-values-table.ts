// The parameter table of chart/README.md, generated from the `# --` comments in
// chart/values.yaml so it cannot drift from the values; `npm run generate` writes it between
// the README's markers.
//
// A key with its own `# --` comment is one row (a map documented as a whole shows its default
// as JSON); a map without one is a section whose keys are rows of their own.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isNode, isPair, isScalar, parseDocument, type YAMLMap } from 'yaml';

const CHART = join(import.meta.dirname, '../chart');
export const START = '<!-- values-table:start -->';
export const END = '<!-- values-table:end -->';

export interface ValueDoc {
  key: string;
  description: string | undefined;
  default: unknown;
}

/** Every documented (or undocumented: description undefined) leaf of values.yaml, in file order. */
export async function valueDocs(chart = CHART): Promise<ValueDoc[]> {
  const document = parseDocument(await readFile(join(chart, 'values.yaml'), 'utf8'));
  const rows: ValueDoc[] = [];
  const walk = (map: YAMLMap, prefix: string, inherited: string | undefined) => {
    for (const [index, pair] of map.items.entries()) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = `${prefix}${String(pair.key.value)}`;
      // The first key's comment is attached to the map (or the document) by the parser.
      const comment = pair.key.commentBefore ?? (index === 0 ? inherited : undefined);
      const description = describe(comment);
      if (isMap(pair.value) && pair.value.items.length > 0 && description === undefined) {
        walk(pair.value, `${key}.`, pair.value.commentBefore ?? undefined);
      } else {
        rows.push({ key, description, default: isNode(pair.value) ? pair.value.toJSON() : null });
      }
    }
  };
  if (isMap(document.contents))
    walk(document.contents, '', document.contents.commentBefore ?? undefined);
  return rows;
}

/** The text after the last `-- ` line of a comment block, continuation lines included. */
function describe(comment: string | undefined): string | undefined {
  if (!comment) return undefined;
  const lines = comment.split('\n').map((line) => line.trim());
  const start = lines.findLastIndex((line) => line.startsWith('-- '));
  if (start < 0) return undefined;
  return lines
    .slice(start)
    .map((line, index) => (index === 0 ? line.slice(3) : line))
    .join(' ')
    .trim();
}

export async function valuesTable(chart = CHART): Promise<string> {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const rows = (await valueDocs(chart)).map(
    (row) =>
      `| \`${row.key}\` | \`${cell(JSON.stringify(row.default ?? null))}\` | ${cell(row.description ?? '')} |`,
  );
  return ['| Key | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}
