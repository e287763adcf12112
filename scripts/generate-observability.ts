// `npm run generate`: writes the Prometheus rules, their promtool tests and the Grafana
// dashboards from their TypeScript sources (alerts/, grafana/src/).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { observabilityFiles } from './observability-files.ts';

const root = join(import.meta.dirname, '..');
for (const [path, content] of observabilityFiles()) {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
  process.stdout.write(`wrote ${path}\n`);
}
