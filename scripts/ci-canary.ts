// Proves the test command can fail before CI trusts a green run: vitest, with the real tiers'
// options and global setup, runs each fixture of test/fixtures/ci-canary/ alone, under CI=true;
// each run must exit non-zero and name what failed. Exits 1 with a clear message otherwise.
// The failing test runs twice: on the server at DATABASE_URL and on the embedded PostgreSQL
// that the global setup starts without it, the two paths a run can take.
//
//   node scripts/ci-canary.ts     # `.ci/run` runs it before the tests
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const CONFIG = 'test/fixtures/ci-canary/vitest.config.ts';

interface Canary {
  /** The fixture file's name, which vitest takes as a filter. */
  file: string;
  /** What the output must say: the failure this canary is about. */
  expect: string;
  /** Run without DATABASE_URL, so the global setup starts its embedded PostgreSQL. */
  embedded?: boolean;
}

const CANARIES: Canary[] = [
  { file: 'failing-test.test.ts', expect: 'ci canary: a failing assertion' },
  { file: 'failing-test.test.ts', expect: 'ci canary: a failing assertion', embedded: true },
  { file: 'failing-file.test.ts', expect: 'ci canary: a test file that fails to load' },
  {
    file: 'missing-tool.test.ts',
    expect: 'CI=true and myapp-ci-canary-tool-that-does-not-exist is not installed',
  },
];

let broken = 0;
for (const canary of CANARIES) {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };
  if (canary.embedded) delete env.DATABASE_URL;
  const name = `${canary.file} (${env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'})`;
  const run = spawnSync('npx', ['vitest', 'run', '--config', CONFIG, canary.file], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  const output = `${run.stdout}${run.stderr}`;
  const named = output.includes(canary.expect);
  if (run.status !== 0 && run.status !== null && named) {
    process.stdout.write(`ci canary ok: ${name} made vitest exit ${run.status}\n`);
    continue;
  }
  broken++;
  process.stderr.write(
    `${output}\n!!!! CI CANARY FAILED: ${name} made vitest exit ${run.status ?? run.signal}` +
      `${named ? '' : ` without naming "${canary.expect}"`}.\n` +
      '!!!! The test command cannot fail, so a green run would mean nothing.\n',
  );
}
process.exit(broken === 0 ? 0 : 1);
