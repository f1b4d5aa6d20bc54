import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // README examples import the package by name; under test that is the source tree
  resolve: { alias: { 'aicore-sim': fileURLToPath(new URL('./index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'threads',
    testTimeout: 60_000,
  },
});
