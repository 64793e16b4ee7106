import { defineConfig } from 'vitest/config';

// Unit tests are split by environment: core/broker/agent/server code must run without a DOM,
// React code runs in jsdom. Keep `include` narrow so e2e specs are never picked up here.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'core',
          environment: 'node',
          include: ['test/{core,broker,agent,server,conformance,chaos}/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'react',
          environment: 'jsdom',
          include: ['test/{react,components}/**/*.test.{ts,tsx}'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
