import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{harness,reports,fixtures,suites,schemas}/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
