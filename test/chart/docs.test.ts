// The chart documents itself from one place: every key in values.yaml has a `# --` line, the
// README's table is generated from them, and values.schema.json knows exactly the same keys.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { valueDocs } from '../../scripts/chart-values-table.ts';
import { CHART } from './helm.ts';

// biome-ignore lint/suspicious/noExplicitAny: a JSON schema, walked generically
type Schema = any;

const resolve = (root: Schema, node: Schema): Schema =>
  node?.$ref ? root.definitions[node.$ref.split('/').pop()] : node;

/** The schema node of a key path, or undefined when the schema does not list it. */
function nodeAt(root: Schema, path: string): Schema {
  let node = resolve(root, root);
  for (const key of path.split('.')) {
    node = resolve(root, node?.properties?.[key]);
    if (!node) return undefined;
  }
  return node;
}

/** Every key path the schema lists, through closed objects. */
function schemaPaths(root: Schema, node: Schema = root, prefix = ''): string[] {
  const resolved = resolve(root, node);
  return Object.entries(resolved.properties ?? {}).flatMap(([key, child]) => [
    `${prefix}${key}`,
    ...schemaPaths(root, child, `${prefix}${key}.`),
  ]);
}

/** Every key path of values.yaml. */
function valuePaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => [
    `${prefix}${key}`,
    ...valuePaths(child, `${prefix}${key}.`),
  ]);
}

it('documents every key of values.yaml with a `# --` comment', async () => {
  const undocumented = (await valueDocs()).filter((row) => !row.description).map((row) => row.key);
  expect(undocumented).toEqual([]);
});

it('has a schema that knows every key of values.yaml, and no key values.yaml lacks', async () => {
  const schema = JSON.parse(await readFile(join(CHART, 'values.schema.json'), 'utf8'));
  const values = parse(await readFile(join(CHART, 'values.yaml'), 'utf8'));
  const inValues = valuePaths(values);
  // A key inside a free-form map (labels, config, resources…) is for the map's schema to judge.
  const inClosedObject = (path: string) => {
    const parent = path.split('.').slice(0, -1).join('.');
    return parent === '' || nodeAt(schema, parent)?.additionalProperties === false;
  };
  const unknownToSchema = inValues.filter((path) => inClosedObject(path) && !nodeAt(schema, path));
  expect(unknownToSchema).toEqual([]);
  const withoutDefault = schemaPaths(schema).filter((path) => !inValues.includes(path));
  expect(withoutDefault).toEqual([]);
});

it('is strict: every object in the schema is closed unless it is a free-form map', async () => {
  const schema = JSON.parse(await readFile(join(CHART, 'values.schema.json'), 'utf8'));
  const open: string[] = [];
  const visit = (node: Schema, where: string) => {
    if (node.type === 'object' && node.properties && node.additionalProperties !== false)
      open.push(where);
    for (const [key, child] of Object.entries(node.properties ?? {}))
      visit(child, `${where}.${key}`);
    for (const [key, child] of Object.entries(node.definitions ?? {})) visit(child, `#${key}`);
  };
  visit(schema, '$');
  expect(open).toEqual([]);
  expect(schema.properties.strategy.enum).toEqual(['rolling', 'bluegreen']);
  expect(schema.properties.blueGreen.properties.activeColor.enum).toEqual(['blue', 'green']);
  expect(schema.required).toEqual(expect.arrayContaining(['strategy', 'blueGreen', 'image']));
});

it("deploys package.json's version by default (Chart.yaml appVersion)", async () => {
  const chart = parse(await readFile(join(CHART, 'Chart.yaml'), 'utf8'));
  const pkg = JSON.parse(await readFile(join(CHART, '../package.json'), 'utf8'));
  expect(chart.appVersion).toBe(pkg.version);
  expect(chart.apiVersion).toBe('v2');
});
