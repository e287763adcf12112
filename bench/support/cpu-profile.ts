// Reads a V8 .cpuprofile (node --cpu-prof) and summarises it: the functions with the most self
// time, the ones with the most total time (time with the function anywhere on the stack, each
// sample counted once per function however deep it recurses), and self time by module.
//   node bench/support/cpu-profile.ts FILE.cpuprofile [TOP]
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface Cost {
  name: string;
  selfMs: number;
  totalMs: number;
}

export interface ProfileSummary {
  totalMs: number;
  functions: Cost[];
  modules: Cost[];
}

const ROOT = relative('/', `${import.meta.dirname}/../..`);

/** Where a function lives, short: `app/http/timeout.ts`, `hono`, `node:internal/…`. */
function moduleOf(url: string): string {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inPackage) return inPackage[1] as string;
  if (path.startsWith('node:')) return path.split('/').slice(0, 2).join('/');
  const own = path.indexOf(ROOT);
  return own === -1 ? path : path.slice(own + ROOT.length + 1);
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${moduleOf(url)}:${lineNumber + 1}`;
}

/** `skipMs`: leaves out the profile's first milliseconds (start-up, warm-up). */
export function summarise(profile: CpuProfile, skipMs = 0): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const functions = new Map<string, Cost>();
  const modules = new Map<string, Cost>();
  const cost = (table: Map<string, Cost>, name: string) => {
    let entry = table.get(name);
    if (!entry) {
      entry = { name, selfMs: 0, totalMs: 0 };
      table.set(name, entry);
    }
    return entry;
  };
  let totalMs = 0;
  let elapsedMs = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    elapsedMs += ms;
    if (elapsedMs < skipMs) return;
    totalMs += ms;
    const leaf = byId.get(id) as ProfileNode;
    cost(functions, label(leaf)).selfMs += ms;
    cost(modules, moduleOf(leaf.callFrame.url)).selfMs += ms;
    const seenFunctions = new Set<string>();
    const seenModules = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at) as ProfileNode;
      const name = label(node);
      if (!seenFunctions.has(name)) {
        seenFunctions.add(name);
        cost(functions, name).totalMs += ms;
      }
      const module = moduleOf(node.callFrame.url);
      if (!seenModules.has(module)) {
        seenModules.add(module);
        cost(modules, module).totalMs += ms;
      }
    }
  });
  return { totalMs, functions: [...functions.values()], modules: [...modules.values()] };
}

/**
 * Each sample's time given to the innermost of `owners` on its stack (functions by name), so a
 * middleware is charged for its own work and what it calls, but not for the rest of the chain
 * it awaits: `next()` runs through Hono's `dispatch`, which is an owner too (routing and the
 * handler). Samples with no owner on the stack are `elsewhere` (Node's HTTP, the database
 * driver's socket callbacks, garbage collection, idle).
 */
export function attribute(
  profile: CpuProfile,
  owners: ReadonlySet<string>,
  skipMs = 0,
): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const owned = new Map<string, number>();
  let elapsedMs = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    elapsedMs += ms;
    if (elapsedMs < skipMs) return;
    let owner = 'elsewhere';
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = (byId.get(at) as ProfileNode).callFrame.functionName;
      if (owners.has(name)) {
        owner = name;
        break;
      }
    }
    owned.set(owner, (owned.get(owner) ?? 0) + ms);
  });
  return owned;
}

export function formatSummary(summary: ProfileSummary, top = 25, perRequest?: number): string {
  const share = (ms: number) => `${((ms / summary.totalMs) * 100).toFixed(1)}%`;
  const each = (ms: number) =>
    perRequest ? ` ${((ms * 1000) / perRequest).toFixed(1).padStart(6)} µs/req` : '';
  const rows = (costs: Cost[], key: 'selfMs' | 'totalMs') =>
    [...costs]
      .sort((a, b) => b[key] - a[key])
      .slice(0, top)
      .map((c) => `  ${share(c[key]).padStart(6)}${each(c[key])}  ${c.name}`)
      .join('\n');
  const busy = summary.functions
    .filter((f) => !/^\(idle\)|^\(program\)|^\(garbage collector\)/.test(f.name))
    .reduce((sum, f) => sum + f.selfMs, 0);
  return [
    `profile: ${summary.totalMs.toFixed(0)} ms sampled, ${share(busy)} in JavaScript and native calls`,
    `\nself time, by function:\n${rows(summary.functions, 'selfMs')}`,
    `\ntotal time (on the stack), by function:\n${rows(summary.functions, 'totalMs')}`,
    `\nself time, by module:\n${rows(summary.modules, 'selfMs')}`,
  ].join('\n');
}

if (import.meta.main) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: node bench/support/cpu-profile.ts FILE.cpuprofile [TOP]');
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  process.stdout.write(`${formatSummary(summarise(profile), Number(top ?? 25))}\n`);
}
