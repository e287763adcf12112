// The test tiers, one vitest project each (`npm run test:unit`, `test:integration`,
// `test:system`; `npm test` runs them all):
//
// - unit: `app/**/*.test.ts` beside the code — no PostgreSQL, no servers, no child processes.
//   The tier has no global setup, so a unit test that reaches for the database fails.
// - integration: `app/**/*.integration.test.ts` and `test/**` over real sockets — PostgreSQL,
//   Redis, Unleash, the app in process or as a child.
// - system: whole processes and outside tools — the image build, Prometheus and promtool, helm,
//   Chromium, edge runtimes, the rollout rehearsal.
import { configDefaults } from 'vitest/config';

/** What every tier shares (and the runner's own canary, test/fixtures/ci-canary/). */
export const sharedTestOptions = {
  // Tests start real servers and processes; give them room, and never retry a flaky one.
  testTimeout: 30_000,
  hookTimeout: 60_000,
  // 2-core machines: a few files at a time keeps timing-sensitive tests honest.
  maxWorkers: 2,
};

/** One PostgreSQL server for the tier's run (see global-setup.ts). */
export const DATABASE_SETUP = ['test/support/global-setup.ts'];

const SYSTEM = [
  'test/process/**/*.test.ts',
  'test/image/**/*.test.ts',
  'test/observability/**/*.test.ts',
  'test/chart/**/*.test.ts',
  'test/rehearsal/**/*.test.ts',
  'test/edge/**/*.test.ts',
  'test/api/docs-browser.test.ts',
];

const INTEGRATION_SUFFIX = 'app/**/*.integration.test.ts';

export const testTiers = [
  {
    name: 'unit',
    include: ['app/**/*.test.ts'],
    exclude: [...configDefaults.exclude, INTEGRATION_SUFFIX],
  },
  {
    name: 'integration',
    include: [INTEGRATION_SUFFIX, 'test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...SYSTEM, 'test/fixtures/**'],
    globalSetup: DATABASE_SETUP,
  },
  { name: 'system', include: SYSTEM, globalSetup: DATABASE_SETUP },
];
