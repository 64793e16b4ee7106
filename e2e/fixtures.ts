import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

/** One line of the agent process's log: what an agent actually published in one turn. */
export interface AgentLogEntry {
  type: 'turn-end' | 'abort';
  sessionId: string;
  turnId: string;
  responseId: string;
  agentId: string;
  text: string;
  status: 'complete' | 'cancelled' | 'error';
  aborted: boolean;
  steersApplied: string[];
}

const logPath = () => join(process.env.DS_DATA_DIR ?? '.data', 'agent-log.jsonl');

export function agentLog(): AgentLogEntry[] {
  if (!existsSync(logPath())) return [];
  return readFileSync(logPath(), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AgentLogEntry);
}

/** Waits for the agent's record of a response, and returns it. */
export async function agentRecord(responseId: string): Promise<AgentLogEntry> {
  await expect.poll(() => agentLog().some((e) => e.responseId === responseId), { message: `agent log entry for ${responseId}`, timeout: 60_000 }).toBe(true);
  return agentLog().find((e) => e.responseId === responseId)!;
}

export function newSessionId(): string {
  return `e2e${Math.random().toString(36).slice(2, 10)}`;
}

export async function openSession(page: Page, sid: string): Promise<void> {
  await page.goto(`/?s=${sid}`);
  await expect(page.locator('[data-ds-chat]')).toBeVisible();
  await expect(page.getByTestId('session-id')).toHaveText(`session:${sid}`);
  // Hydrated and attached: the agents of the session are present.
  await expect(page.locator('[data-ds-presence-bar]')).toHaveAttribute('data-agents', /[1-9]/);
}

export async function send(page: Page, text: string): Promise<void> {
  const input = page.locator('[data-ds-composer] [data-part="input"]');
  await input.fill(text);
  await input.press('Enter');
}

export const responses = (page: Page): Locator => page.locator('[data-ds-streaming-message]');

/** The text of a response as the page renders it (textContent: whitespace exactly as sent). */
export async function textOf(response: Locator): Promise<string> {
  return (await response.locator('[data-part="content"]').textContent()) ?? '';
}

export async function responseId(response: Locator): Promise<string> {
  const id = await response.getAttribute('data-response-id');
  if (!id) throw new Error('response has no data-response-id');
  return id;
}

/** Waits until a response is streaming with at least `chars` characters. */
export async function waitForStreaming(response: Locator, chars = 1): Promise<void> {
  await expect(response).toHaveAttribute('data-status', 'streaming');
  await expect.poll(async () => (await textOf(response)).length, { message: `streaming text ≥ ${chars} chars` }).toBeGreaterThanOrEqual(chars);
}

export async function restartServer(page: Page): Promise<void> {
  const r = await page.request.post('/api/test/restart-server');
  expect(r.ok()).toBe(true);
}

/** What the launcher's seed endpoint answered. */
export interface SeedResult {
  sessionId: string;
  turns: number;
  messages: number;
  requests: number;
  retainedAll: boolean;
  ms: number;
}

/** Publishes `turns` finished turns into a new session through the launcher's dev endpoint (`scripts/dev-seed.mjs`). */
export async function seedSession(page: Page, sid: string, turns: number): Promise<SeedResult> {
  const r = await page.request.post(`/api/dev/seed?s=${sid}&turns=${turns}`, { headers: { 'x-ds-dev': '1' }, timeout: 60_000 });
  expect(r.ok(), await r.text()).toBe(true);
  return (await r.json()) as SeedResult;
}

/** The thread's rows (user messages and responses) in DOM order. */
export const rows = (page: Page): Locator => page.locator('section[data-ds-message-list] li[data-ds-message]');

/** The branch picker of the (first) edited message on the shown path. */
export const branchPicker = (page: Page): Locator => page.locator('[data-ds-branch-picker]').first();

/**
 * Scrolls the message list (or the nearest scrolling ancestor of it) to the top, and returns where the
 * row with `key` is on screen right after the scroll, before anything could load. From then on the
 * page records whether the list showed its "Loading earlier messages…" status: {@link sawLoadingOlder}.
 */
export async function scrollListToTop(page: Page, key: string): Promise<number> {
  return page.evaluate((k) => {
    const list = document.querySelector('section[data-ds-message-list]') as HTMLElement;
    const w = window as unknown as { __dsSawOlder?: boolean; __dsOlderObserver?: MutationObserver };
    w.__dsOlderObserver?.disconnect();
    w.__dsSawOlder = false;
    w.__dsOlderObserver = new MutationObserver(() => {
      if (list.querySelector('[data-part="older"]')) w.__dsSawOlder = true;
    });
    w.__dsOlderObserver.observe(list, { childList: true, subtree: true });
    let el: HTMLElement | null = list;
    while (el && !(el.scrollHeight > el.clientHeight && /auto|scroll/.test(getComputedStyle(el).overflowY))) el = el.parentElement;
    const scroller = el ?? (document.scrollingElement as HTMLElement);
    scroller.scrollTop = 0;
    const row = document.querySelector(`li[data-ds-message][data-key="${CSS.escape(k)}"]`)!;
    return row.getBoundingClientRect().y;
  }, key);
}

/** Whether the list showed "Loading earlier messages…" since the last {@link scrollListToTop}. */
export function sawLoadingOlder(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __dsSawOlder?: boolean }).__dsSawOlder === true);
}
