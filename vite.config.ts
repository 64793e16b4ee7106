import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { playwright } from '@vitest/browser-playwright';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const configDir = fileURLToPath(new URL('./.storybook', import.meta.url));

// Debian's chromium by default (`npx playwright install` cannot download here). Elsewhere set
// CHROMIUM_PATH, or let Playwright use its own build after `npx playwright install chromium`.
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
if (!executablePath && process.argv.some((a) => a.includes('vitest'))) {
  console.warn(
    'Story tests: no /usr/bin/chromium and CHROMIUM_PATH is not set; using Playwright\'s own Chromium. ' +
      'If it is missing, run `npx playwright install chromium` or set CHROMIUM_PATH.',
  );
}

const browser = (name?: string) => ({
  enabled: true,
  headless: true,
  provider: playwright({
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
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
          include: ['test/{core,broker,agent,server,conformance,chaos,demo}/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'react',
          environment: 'jsdom',
          include: ['test/{react,ai-sdk}/**/*.test.{ts,tsx}'],
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
