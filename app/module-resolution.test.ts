// The fast resolution answers only what surely is an ES module of an installed package, at the
// URL Node would give it, and leaves everything else (bare names, CommonJS, links, missing
// files, the app's own modules) to Node. Also: a real Node process starts the API server's
// module graph through it.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { installedModule } from './module-resolution.ts';
import { runProcess } from './run-process.ts';

const root = mkdtempSync(join(tmpdir(), 'module-resolution-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, text = 'export {};\n'): string {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return pathToFileURL(full).href;
}

const esmIndex = file('node_modules/esm-pkg/index.js');
file('node_modules/esm-pkg/package.json', '{"type":"module","exports":{".":"./index.js"}}');
const esmA = file('node_modules/esm-pkg/lib/a.js');
file('node_modules/esm-pkg/lib/b.mjs');
file('node_modules/esm-pkg/lib/c.cjs');
file('node_modules/esm-pkg/cjs/package.json', '{"type":"commonjs"}');
file('node_modules/esm-pkg/cjs/d.js');
file('node_modules/esm-pkg/broken/package.json', '{ not json');
file('node_modules/esm-pkg/broken/e.js');
symlinkSync(
  join(root, 'node_modules/esm-pkg/lib/a.js'),
  join(root, 'node_modules/esm-pkg/link.js'),
);
const plainIndex = file('node_modules/plain-pkg/index.js');
file('node_modules/plain-pkg/package.json', '{"name":"plain-pkg"}');
file('node_modules/plain-pkg/f.js');
const own = file('app/own.js');
file('package.json', '{"type":"module"}');
file('app/sibling.js');

describe('installedModule', () => {
  it('answers a relative .js of a "type": "module" package, at its URL', () => {
    expect(installedModule('./lib/a.js', esmIndex)?.href).toBe(
      new URL('./lib/a.js', esmIndex).href,
    );
    expect(installedModule('../index.js', esmA)?.href).toBe(esmIndex);
  });

  it('answers a relative .mjs, whatever the package type', () => {
    expect(installedModule('./b.mjs', esmA)?.href).toBe(new URL('./b.mjs', esmA).href);
  });

  it('leaves CommonJS to Node: a package without a type, a nested commonjs scope, .cjs', () => {
    expect(installedModule('./f.js', plainIndex)).toBeUndefined();
    expect(installedModule('./cjs/d.js', esmIndex)).toBeUndefined();
    expect(installedModule('./c.cjs', esmA)).toBeUndefined();
  });

  it('leaves to Node what it must judge or report: a broken manifest, a missing file, a link', () => {
    expect(installedModule('./broken/e.js', esmIndex)).toBeUndefined();
    expect(installedModule('./lib/missing.js', esmIndex)).toBeUndefined();
    expect(installedModule('./link.js', esmIndex)).toBeUndefined();
  });

  it('leaves bare names, other extensions, queries and the app’s own modules to Node', () => {
    expect(installedModule('esm-pkg', esmIndex)).toBeUndefined();
    expect(installedModule('./lib/a', esmIndex)).toBeUndefined();
    expect(installedModule('./lib/a.js?v=1', esmIndex)).toBeUndefined();
    expect(installedModule('./sibling.js', own)).toBeUndefined();
    expect(installedModule('./lib/a.js', undefined)).toBeUndefined();
    expect(installedModule('./lib/a.js', 'data:text/javascript,')).toBeUndefined();
  });
});

describe('the API server’s graph through the fast resolution', () => {
  it('imports, with drizzle’s own modules resolved by it, and one copy of each', async () => {
    // A module reached by two URLs would be two copies: `instanceof` across them fails.
    const script = `
      import { registerHooks } from 'node:module';
      import { resolveInstalledModulesFast } from './app/module-resolution.ts';
      const inDrizzle = (specifier, context) =>
        specifier.startsWith('.') && context.parentURL?.includes('/node_modules/drizzle-orm/');
      const count = { all: 0, byNode: 0 };
      // Hooks run last registered first: this one sees what the fast resolution passed on.
      registerHooks({ resolve(specifier, context, next) {
        if (inDrizzle(specifier, context)) count.byNode++;
        return next(specifier, context);
      } });
      resolveInstalledModulesFast();
      registerHooks({ resolve(specifier, context, next) {
        if (inDrizzle(specifier, context)) count.all++;
        return next(specifier, context);
      } });
      await import('./app/app.ts');
      await import('./app/deps.ts');
      const { Table } = await import('drizzle-orm');
      const { users } = await import('./app/db/schema.ts');
      console.log(JSON.stringify({ ...count, isTable: users instanceof Table }));
    `;
    const result = await runProcess(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..'),
    });
    expect(result.stderr).toBe('');
    const outcome = JSON.parse(result.stdout) as { all: number; byNode: number; isTable: boolean };
    expect(outcome.isTable).toBe(true);
    expect(outcome.all).toBeGreaterThan(50);
    expect(outcome.byNode).toBe(0);
  });
});
