import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'examples/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { TENSILE_DATA_DIR: process.env.TENSILE_DATA_DIR ?? '../shared/data' },
  },
});
