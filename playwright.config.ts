import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// One fresh data dir per run, shared with the specs through the environment: they read the agent
// process's log from it to compare what a page shows with what the agent wrote.
process.env.DS_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'ds-e2e-'));
const appPort = Number(process.env.DS_E2E_APP_PORT ?? 5199);
const serverPort = Number(process.env.DS_E2E_SERVER_PORT ?? 8799);
process.env.DS_E2E_APP_URL = `http://localhost:${appPort}`;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  outputDir: 'test-results',
  use: {
    baseURL: `http://localhost:${appPort}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    command: 'node scripts/start.mjs',
    url: `http://localhost:${appPort}/api/config`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      DS_E2E: '1',
      DS_APP_PORT: String(appPort),
      DS_SERVER_PORT: String(serverPort),
      DS_DATA_DIR: process.env.DS_DATA_DIR,
      DS_TOKENS_PER_SECOND: process.env.DS_TOKENS_PER_SECOND ?? '12',
      // Answers without "in N words" (the demo's own sample question) last long enough to go
      // offline, reload or steer part-way through.
      DS_TOKENS: process.env.DS_TOKENS ?? '150',
      // Long enough that "stop before the first token" is before it even on a loaded CI machine.
      DS_THINK_MS: process.env.DS_THINK_MS ?? '800',
    },
  },
});
