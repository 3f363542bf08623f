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
    // Three test files at once on 2 cores (vitest's default there is one): most tests wait on loopback servers and
    // observation windows, not the CPU (two npm test runs side by side, four files at once, pass too).
    maxWorkers: 3,
  },
});
