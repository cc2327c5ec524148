import { defineConfig } from 'vitest/config';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  test: {
    include: [
      'src/**/*.test.ts',
      'src/**/*.test.tsx',
      'test/integration/**/*.test.ts',
      'test/api/**/*.test.ts',
      'test/kit/**/*.test.ts',
    ],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Each file gets its own database; two workers fit the 2-core machines we run on.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
