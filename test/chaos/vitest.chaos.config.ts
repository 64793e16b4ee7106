import { defineConfig } from 'vitest/config';

// The long chaos and soak runs, outside `npm test` (see run.mjs). Timeouts follow the requested size.
const minutes = Number(process.env.SOAK_MINUTES ?? 30);
const runs = Number(process.env.CHAOS_RUNS ?? 500);

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    environment: 'node',
    include: ['test/chaos/chaos.test.ts', 'test/chaos/soak.run.ts'],
    testTimeout: Math.max(runs * 2_000, minutes * 60_000) + 300_000,
  },
});
