// Real helm for the chart tests: the one on PATH when it is Helm 3.18+ or 4, otherwise the one
// scripts/tools/helm-install.ts put into the tool cache (.ci/run installs it).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { cachedHelm } from '../../scripts/tools/helm-install.ts';

const ROOT = join(import.meta.dirname, '../..');
export const CHART = join(ROOT, 'chart');

/** Helm's path, or undefined when neither PATH nor the tool cache has a usable one. */
export function findHelm(): string | undefined {
  const onPath = spawnSync('helm', ['version', '--short'], { encoding: 'utf8' });
  if (onPath.status === 0 && /^v(4\.|3\.(1[89]|[2-9]\d)\.)/.test(onPath.stdout.trim()))
    return 'helm';
  return cachedHelm();
}

/** A parsed rendered object (only the fields the tests read are typed). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered objects are checked by their schemas, not by types
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  [field: string]: any;
}

export interface Rendered {
  objects: K8sObject[];
  /** The one object of this kind and name; throws when there is none. */
  get(kind: string, name: string): K8sObject;
  ofKind(kind: string): K8sObject[];
}

/** `--set` pairs as a flat object: { 'blueGreen.step': 'deploy' }. Values use helm's --set syntax. */
export type SetValues = Record<string, string | number | boolean | null>;

export function setArgs(values: SetValues): string[] {
  return Object.entries(values).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
}

/** Runs helm and returns stdout; on failure throws an Error whose message is helm's stderr. */
export function runHelm(helm: string, args: readonly string[], cwd?: string): string {
  const result = spawnSync(helm, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, cwd });
  if (result.status !== 0) throw new Error(result.stderr.trim() || `helm exited ${result.status}`);
  return result.stdout;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw document.errors[0];
      return document.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

export function renderChart(
  helm: string,
  values: SetValues = {},
  extraArgs: readonly string[] = [],
): Rendered {
  const objects = parseManifests(
    runHelm(helm, [
      'template',
      'myapp',
      CHART,
      '--namespace',
      'shop',
      ...setArgs(values),
      ...extraArgs,
    ]),
  );
  return {
    objects,
    ofKind: (kind) => objects.filter((object) => object.kind === kind),
    get(kind, name) {
      const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
      if (!found) {
        const names = objects.map((object) => `${object.kind}/${object.metadata.name}`).join(', ');
        throw new Error(`no ${kind}/${name} in the render; it has: ${names}`);
      }
      return found;
    },
  };
}
