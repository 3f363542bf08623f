import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{harness,reports,fixtures,suites,schemas,action}/**/*.test.ts'],
    // *.full.test.ts: the slow tests, run by `npm run test:full` (vitest.full.config.ts).
    exclude: ['node_modules/**', 'dist/**', '**/*.full.test.ts'],
    // A bound that only catches a hang: tests wait on events, and two npm test runs side by side on 2 cores stretch
    // the heaviest (a whole-suite run at every revision, twice) past a minute.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two test files at once (vitest's default on 2 cores is one): most tests wait on loopback servers, not the CPU.
    maxWorkers: 2,
  },
});
