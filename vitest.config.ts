import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-build.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Browser-driving tests are heavy; two cores.
    maxWorkers: 2,
  },
});
