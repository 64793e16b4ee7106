// The real useChat in Chromium over a durable session on the local server: the examples/use-chat page,
// bundled here and served beside `npm start`'s stack, against the demo agents. Reload, two tabs, stop.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { expect, test, type Page } from '@playwright/test';
import { agentRecord, newSessionId } from './fixtures.js';

let server: Server;
let base = '';

test.beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), 'ds-use-chat-'));
  await build({
    entryPoints: ['examples/use-chat/main.tsx'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    outfile: join(out, 'main.js'),
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const files: Record<string, [string, string]> = {
    '/': [readFileSync('examples/use-chat/index.html', 'utf8'), 'text/html'],
    '/main.js': [readFileSync(join(out, 'main.js'), 'utf8'), 'text/javascript'],
  };
  const app = process.env.DS_E2E_APP_URL!;
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    // The page's token and config come from the demo stack's own endpoints.
    if (url.pathname.startsWith('/api/')) {
      void fetch(`${app}${url.pathname}${url.search}`).then(async (r) => {
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
        res.end(await r.text());
      });
      return;
    }
    const file = files[url.pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file[1] }).end(file[0]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

test.afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const answer = (page: Page) => page.locator('article[data-role="assistant"]').last();
const textOf = async (page: Page) => (await answer(page).locator('[data-part="text"]').allTextContents()).join('');

async function open(page: Page, sid: string, user: string) {
  await page.goto(`${base}/?s=${sid}&user=${user}`);
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
}

async function ask(page: Page, text: string) {
  await page.getByLabel('Message').fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

test('useChat: a second tab follows live, and a reload mid-answer resumes to the exact text', async ({ browser }) => {
  const sid = newSessionId();
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await open(a, sid, 'alice');
  await open(b, sid, 'bob');
  await ask(a, 'Explain resume in 60 words');
  await expect.poll(() => textOf(a), { message: 'the answer streaming in tab A' }).toMatch(/\S+ \S+ \S+/);
  const responseId = (await answer(a).getAttribute('data-id'))!;

  await a.reload();
  await expect(a.locator('main')).toHaveAttribute('data-status', 'streaming');
  const record = await agentRecord(responseId);
  expect(record.status).toBe('complete');
  await expect.poll(() => textOf(a), { message: 'tab A after the reload' }).toBe(record.text);
  await expect.poll(() => textOf(b), { message: 'tab B, following' }).toBe(record.text);
  await expect(a.locator('main')).toHaveAttribute('data-status', 'ready');
  expect(await a.locator('article[data-role="assistant"]').count()).toBe(1);
  expect(await b.locator('article[data-role="user"]').allTextContents()).toEqual(['Explain resume in 60 words']);
  await Promise.all([a.context().close(), b.context().close()]);
});

test('useChat: stop is an explicit cancel the agent obeys', async ({ page }) => {
  const sid = newSessionId();
  await open(page, sid, 'carol');
  await ask(page, 'Explain stop in 150 words');
  await expect.poll(() => textOf(page), { message: 'the answer streaming' }).toMatch(/\S+ \S+/);
  const responseId = (await answer(page).getAttribute('data-id'))!;
  await page.getByRole('button', { name: 'Stop' }).click();
  const record = await agentRecord(responseId);
  expect(record.status).toBe('cancelled');
  expect(record.aborted).toBe(true);
  expect(record.text.split(' ').length).toBeLessThan(150);
});
