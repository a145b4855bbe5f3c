import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC compiles the TypeScript so Nest's decorator metadata exists in tests as in production.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Suites share one Redis and native Postgres server; each makes its own database and
          // queue prefix, and two at a time keep a 2-core CI machine busy without thrashing.
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
    ],
  },
});
