import { defineConfig } from 'vitest/config';
import { sharedTestOptions, testTiers } from './test/support/tiers.ts';

export default defineConfig({
  test: {
    ...sharedTestOptions,
    projects: testTiers.map((tier) => ({ extends: true, test: tier })),
  },
});
