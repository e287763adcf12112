// A real Prometheus (Debian's package) on loopback, scraping the given targets every second and
// evaluating the given rule files; started for one test file and stopped with it. Targets come
// from a file (file_sd), so a test whose instances come and go can hand over the new list.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './ports.ts';
import { startReadyDaemon } from './ready-daemon.ts';

interface QueryResult {
  status: string;
  error?: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

export interface Prometheus {
  url: string;
  query(promql: string): Promise<QueryResult>;
  /** Replaces the scrape targets (host:port); Prometheus picks the file up within seconds. */
  setTargets(targets: string[]): Promise<void>;
  /** What Prometheus wrote to stderr so far: the first thing to read when a test fails. */
  log(): string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startPrometheus(
  binary: string,
  options: { job: string; targets: string[]; ruleFiles?: string[] },
): Promise<Prometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'myapp-prometheus-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const targetsFile = join(dir, 'targets.json');
  let closed = false;
  let writes: Promise<void> = Promise.resolve();
  const setTargets = (targets: string[]) => {
    // One write at a time, each whole and renamed into place: Prometheus never reads half a
    // file, and the last list given is the one that stays.
    writes = writes.then(async () => {
      if (closed) return;
      await writeFile(`${targetsFile}.next`, JSON.stringify([{ targets }]));
      await rename(`${targetsFile}.next`, targetsFile);
    });
    return writes;
  };
  await setTargets(options.targets);
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: options.ruleFiles ?? [],
    scrape_configs: [
      {
        job_name: options.job,
        file_sd_configs: [{ files: [targetsFile], refresh_interval: '1s' }],
      },
    ],
  };
  await writeFile(join(dir, 'prometheus.yml'), stringify(config));
  const daemon = await startReadyDaemon(
    'prometheus',
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
      '--log.level=warn',
    ],
    url,
  ).catch(async (error) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  const log = daemon.log;
  const query = async (promql: string) =>
    (await (
      await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`)
    ).json()) as QueryResult;
  const close = async () => {
    closed = true;
    await writes.catch(() => {});
    await daemon.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // Prometheus applies discovered targets on a 5 s tick: wait until every target was scraped.
    for (let attempt = 0; ; attempt++) {
      const up = await query(`up{job="${options.job}"}`);
      if (up.data.result.length >= options.targets.length) break;
      if (attempt > 300) throw new Error(`prometheus never scraped every target: ${log()}`);
      await sleep(50);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { url, query, setTargets, log, close };
}
