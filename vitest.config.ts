import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites share MariaDB and Redis; files run in parallel but each uses its own keys and rows.
    pool: 'forks',
  },
});
