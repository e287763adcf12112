// `npm run bench:startup`: how long myapp takes from its process starting to `/ready` answering
// 200, and how much memory it holds then, on PostgreSQL (a migrated database) and on the
// embedded default (PGlite in a fresh DATA_DIR: created and migrated at start), each as
// `npm start` runs it (no V8 flags) and as the image runs it (the Dockerfile's NODE_OPTIONS and
// its command's V8 flags). The target is ready within 1 s against PostgreSQL. Several starts
// each; medians.
// `BENCH_COMPARE_ROOT=<another checkout>` starts that checkout's app too, in alternation, with
// its own image's V8 flags (`… @compare`): before and after in one run.
//   BENCH_STARTS=3
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/ports.ts';
import { median, rssMegabytes, startServer } from './support/load.ts';
import { asTheImageRuns } from './support/myapp.ts';
import { createMigratedScratchDatabase } from './support/scratch-database.ts';

const STARTS = Number(process.env.BENCH_STARTS ?? 3);
const ROOT = join(import.meta.dirname, '..');
const COMPARE_ROOT = process.env.BENCH_COMPARE_ROOT;
const CHECKOUTS = [
  { suffix: '', root: ROOT },
  ...(COMPARE_ROOT ? [{ suffix: ' @compare', root: COMPARE_ROOT }] : []),
];

const database = await createMigratedScratchDatabase('myapp_startup');
const rows: string[] = [];
try {
  for (const how of ['npm start', 'as the image'] as const) {
    for (const engine of ['PostgreSQL', 'embedded'] as const) {
      const ready = CHECKOUTS.map((): number[] => []);
      const rss = CHECKOUTS.map((): number[] => []);
      for (let start = 0; start < STARTS; start++) {
        for (const [index, { root }] of CHECKOUTS.entries()) {
          const { nodeOptions, nodeFlags } =
            how === 'as the image' ? asTheImageRuns(root) : { nodeOptions: '', nodeFlags: [] };
          const dataDir = await mkdtemp(join(tmpdir(), 'myapp-startup-'));
          const started = performance.now();
          const server = await startServer(
            `${how} ${engine}`,
            [process.execPath, ...nodeFlags, join(root, 'app/main.ts')],
            {
              LOG_LEVEL: 'warn',
              METRICS_PORT: String(await freePort()),
              DATA_DIR: dataDir,
              ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
              ...(engine === 'PostgreSQL' ? { DATABASE_URL: database.url } : {}),
            },
            { readyPath: '/ready', cwd: root },
          );
          ready[index]?.push(performance.now() - started);
          // A moment for start-up garbage to be collected, as a scrape a little later would see.
          await new Promise((resolve) => setTimeout(resolve, 2_000));
          rss[index]?.push(await rssMegabytes(server.pid));
          await server.stop();
          await rm(dataDir, { recursive: true, force: true });
        }
      }
      for (const [index, { suffix }] of CHECKOUTS.entries())
        rows.push(
          `| ${how}${suffix} | ${engine} | ${median(ready[index] ?? []).toFixed(0)} | ${median(rss[index] ?? []).toFixed(0)} |`,
        );
    }
  }
} finally {
  await database.drop();
}
process.stdout.write(
  `npm run bench:startup: medians of ${STARTS} starts\n\n| how | database | ready ms | RSS idle MB |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`,
);
