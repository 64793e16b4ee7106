import { fileURLToPath } from 'node:url';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { playwright } from '@vitest/browser-playwright';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const configDir = fileURLToPath(new URL('./.storybook', import.meta.url));

// Debian's chromium: `npx playwright install` cannot download here. Elsewhere set CHROMIUM_PATH, or
// install Playwright's own build (`npx playwright install chromium`) and point CHROMIUM_PATH at it.
const browser = (name?: string) => ({
  enabled: true,
  headless: true,
  provider: playwright({
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  }),
  instances: [name ? { browser: 'chromium' as const, name } : { browser: 'chromium' as const }],
});

// Unit tests are split by environment: core/broker/agent/server code must run without a DOM,
// React code runs in jsdom, stories run as tests in real Chromium. Keep `include` narrow so e2e
// specs are never picked up here.
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
      {
        plugins: [storybookTest({ configDir })],
        test: {
          name: 'storybook',
          browser: browser(),
          testTimeout: 30_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'screenshot',
          include: ['stories/**/*.browser.test.tsx'],
          // Named so it does not collide with the storybook project's default instance name.
          browser: { ...browser('screenshot (chromium)'), viewport: { width: 1200, height: 760 } },
          testTimeout: 30_000,
        },
      },
    ],
  },
});
