// The NODE_OPTIONS the app's image runs with (the Dockerfile's runtime stage): read by the chart
// test that keeps them consistent with the memory limit, and by the benches that run the app as
// the image does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function imageNodeOptions(root = join(import.meta.dirname, '../..')): string {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
  const options = /NODE_OPTIONS="([^"]*)"/.exec(runtime)?.[1];
  if (options === undefined) throw new Error('the runtime image sets no NODE_OPTIONS');
  return options;
}
