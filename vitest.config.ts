import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['app/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Tests start real servers and processes; give them room, and never retry a flaky one.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // 2-core machines: a few files at a time keeps timing-sensitive tests honest.
    maxWorkers: 2,
  },
});
