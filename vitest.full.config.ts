import { defineConfig } from 'vitest/config';

/** The slow tests (`npm run test:full`, run by .ci/run after `npm test`): *.full.test.ts only. */
export default defineConfig({
  test: {
    include: ['{harness,reports,fixtures,suites,schemas}/**/*.full.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
