// `npm run bench:flags`: what one feature-flag evaluation costs, as the recommendations route
// makes it (`new_recommendation_algo`, a 100% gradual rollout, offline flags file): through
// the app's Flags (overrides, the Unleash SDK's strategy, the evaluation counter), outside a
// request and inside one (where it is also remembered on the request's scope). The target is
// under 2 µs. A micro-benchmark on one thread: a busy machine slows it, so take the best run.
//   BENCH_EVALUATIONS=200000
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiServerConfig } from '../app/config/processes.ts';
import { createFlags } from '../app/flags/flags.ts';
import { createLogger } from '../app/telemetry/logger.ts';
import { createTelemetry } from '../app/telemetry/telemetry.ts';
import { telemetryOptions } from '../app/telemetry-options.ts';
import { FLAG_ON } from './support/myapp.ts';

const EVALUATIONS = Number(process.env.BENCH_EVALUATIONS ?? 200_000);
const RUNS = 5;

const file = join(tmpdir(), `myapp-bench-flags-${process.pid}.json`);
await writeFile(file, JSON.stringify(FLAG_ON));
const config = apiServerConfig.load({ FLAGS_FILE: file, LOG_LEVEL: 'silent' });
const telemetry = createTelemetry(telemetryOptions(config));
const flags = await createFlags({
  config,
  logger: createLogger({ level: 'silent' }),
  telemetry,
});
const users = Array.from({ length: 1_000 }, (_, index) => String(index + 1));

/** Nanoseconds per evaluation, the best of RUNS. */
async function measure(evaluate: (userId: string) => boolean): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  let enabled = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    for (let index = 0; index < EVALUATIONS; index++)
      if (evaluate(users[index % users.length] as string)) enabled++;
    best = Math.min(best, ((performance.now() - started) * 1e6) / EVALUATIONS);
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (enabled !== RUNS * EVALUATIONS) throw new Error('the flag was not on for everyone');
  return best;
}

const outside = await measure((userId) => flags.isEnabled('new_recommendation_algo', { userId }));
// The scope's list of evaluations is emptied every 100, so it stays a request's size.
const scope = { context: undefined, flagEvaluations: [] as unknown[] };
let inside = Number.NaN;
await telemetry.runInRequest(scope as Parameters<typeof telemetry.runInRequest>[0], async () => {
  inside = await measure((userId) => {
    if (scope.flagEvaluations.length === 100) scope.flagEvaluations.length = 0;
    return flags.isEnabled('new_recommendation_algo', { userId });
  });
});
process.stdout.write(
  `npm run bench:flags: new_recommendation_algo (100% rollout, offline file), best of ${RUNS} × ${EVALUATIONS}\n\n` +
    '| where | ns per evaluation |\n| --- | --- |\n' +
    `| outside a request | ${outside.toFixed(0)} |\n| in a request scope | ${inside.toFixed(0)} |\n`,
);
await flags.close();
await telemetry.shutdown();
