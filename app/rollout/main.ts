// `node app/rollout/main.ts`: the canary analysis, as the chart's analysis Job runs it.
// Checks the canary every ANALYSIS_INTERVAL_MS for ANALYSIS_DURATION_MS against the stable colour
// (canary-analysis.ts) and stops at the first failed check. Prints one JSON line — verdict,
// figures and queries — and exits 0 when the canary passed, 1 when it failed (or Prometheus could
// not be asked), 2 on a bad configuration, 3 when there was too little traffic to judge.
import { readFile } from 'node:fs/promises';
import { loadAnalysisConfig } from './analysis-config.ts';
import { analysisSpecSchema, type Judgement, judge, prometheusQuery } from './canary-analysis.ts';

const EXIT = { pass: 0, fail: 1, error: 1, inconclusive: 3 } as const;

const loaded = loadAnalysisConfig(process.env);
if ('error' in loaded) {
  process.stderr.write(`${loaded.error}\n`);
  process.exit(2);
}
const { config } = loaded;
const spec = analysisSpecSchema.parse(
  JSON.parse(await readFile(config.ANALYSIS_SPEC_FILE, 'utf8')),
);
const query = prometheusQuery(config.PROMETHEUS_URL, config.PROMETHEUS_TIMEOUT_MS);
const colours = { canary: config.CANARY_COLOUR, stable: config.STABLE_COLOUR };
const started = Date.now();
let checks = 0;
let last: Judgement | undefined;
let failure: string | undefined;

for (;;) {
  checks++;
  try {
    last = await judge(spec, query, colours, {
      window: config.ANALYSIS_WINDOW,
      minRequests: config.ANALYSIS_MIN_REQUESTS,
    });
    failure = undefined;
    if (last.verdict === 'fail') break;
  } catch (error) {
    failure = (error as Error).message;
  }
  if (Date.now() - started + config.ANALYSIS_INTERVAL_MS > config.ANALYSIS_DURATION_MS) break;
  await new Promise((resolve) => setTimeout(resolve, config.ANALYSIS_INTERVAL_MS));
}

const verdict = failure ? 'error' : (last?.verdict ?? 'error');
process.stdout.write(
  `${JSON.stringify({
    msg: 'canary analysis',
    verdict,
    canary: colours.canary,
    stable: colours.stable,
    window: config.ANALYSIS_WINDOW,
    checks,
    durationMs: Date.now() - started,
    ...(failure ? { error: failure } : {}),
    slos: last?.slos ?? [],
  })}\n`,
);
process.exit(EXIT[verdict]);
