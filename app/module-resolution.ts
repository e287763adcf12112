// Resolves the relative imports inside installed ES-module packages without Node's per-import
// package scope lookup. For every file it resolves, Node materialises the nearest package.json
// again, JSON-parsing its whole `exports` map each time (package_json_reader's getter, spread by
// getPackageScopeConfig). drizzle-orm's map is 178 KB and it loads a few hundred files: half of
// the API server's start-up went there. A relative `./x.js` in a package whose nearest
// package.json says "type": "module" can only be an ES module, so that is answered here, once
// per directory; everything else goes to Node's own resolution. Only an entry registers this,
// before it imports the rest: the modules imported until then were resolved by Node.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A directory's nearest package.json's `type`, by directory: looked up once each. */
const packageTypes = new Map<string, string | undefined>();

function packageType(dir: string): string | undefined {
  if (packageTypes.has(dir)) return packageTypes.get(dir);
  let type: string | undefined;
  const manifest = join(dir, 'package.json');
  if (statSync(manifest, { throwIfNoEntry: false })?.isFile()) {
    type = manifestType(manifest);
  } else {
    const parent = dirname(dir);
    type = parent === dir ? undefined : packageType(parent);
  }
  packageTypes.set(dir, type);
  return type;
}

/** A package.json's `type`; undefined for one Node should judge (and report) itself. */
function manifestType(manifest: string): string | undefined {
  try {
    const { type } = JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown };
    return type === undefined ? 'commonjs' : typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

/** The ES module a relative specifier in an installed package names, if it surely is one. */
export function installedModule(specifier: string, parentURL: string | undefined): URL | undefined {
  if (!parentURL?.startsWith('file:') || !parentURL.includes('/node_modules/')) return undefined;
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const isMjs = specifier.endsWith('.mjs');
  if (!isMjs && !specifier.endsWith('.js')) return undefined;
  const url = new URL(specifier, parentURL);
  if (url.search || url.hash) return undefined;
  const file = fileURLToPath(url);
  // Node resolves to the real path: a symbolic link, or a file that is missing, is left to it.
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return undefined;
  }
  if (real !== file || !statSync(file).isFile()) return undefined;
  if (!isMjs && packageType(dirname(file)) !== 'module') return undefined;
  return url;
}

/** From now on in this process (and before the modules it concerns are imported). */
export function resolveInstalledModulesFast(): void {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = installedModule(specifier, context.parentURL);
      if (!url) return nextResolve(specifier, context);
      return { url: url.href, format: 'module', shortCircuit: true };
    },
  });
}
