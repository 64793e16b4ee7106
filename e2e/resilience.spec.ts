import { expect, test } from '@playwright/test';
import { agentRecord, newSessionId, openSession, responseId, responses, restartServer, send, textOf, waitForStreaming } from './fixtures.js';

test('reload mid-stream: the page resumes and ends with exactly the agent’s text, no duplicates', async ({ page }) => {
  const sid = newSessionId();
  await openSession(page, sid);
  await send(page, 'a long answer please in 90 words');
  const r = responses(page).first();
  await waitForStreaming(r, 40);
  const id = await responseId(r);
  await page.reload();
  await expect(page.getByTestId('session-id')).toHaveText(`session:${sid}`);
  const again = page.locator(`[data-ds-streaming-message][data-response-id="${id}"]`);
  await expect(again).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  const record = await agentRecord(id);
  expect(await textOf(again)).toBe(record.text);
  await expect(responses(page)).toHaveCount(1);
  await expect(page.locator('[data-ds-user-message]')).toHaveCount(1);
});

test('offline for 5 s mid-stream: the banner shows, then the text catches up exactly', async ({ page, context }) => {
  const sid = newSessionId();
  await openSession(page, sid);
  await send(page, 'keep streaming while I am away in 120 words');
  const r = responses(page).first();
  await waitForStreaming(r, 20);
  const banner = page.locator('[data-ds-connection-banner]');
  await context.setOffline(true);
  await expect(banner).toHaveAttribute('data-state', 'reconnecting');
  await expect(banner).toHaveText('Reconnecting…');
  // The scenario is five seconds without network; nothing is asserted about timing.
  await page.waitForTimeout(5000);
  await context.setOffline(false);
  await expect(banner).toHaveAttribute('data-state', /resumed|caught-up/);
  await expect(r).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  const record = await agentRecord(await responseId(r));
  expect(record.aborted).toBe(false);
  expect(await textOf(r)).toBe(record.text);
});

test('server restart with a data dir mid-session: the page reconnects and loses nothing', async ({ page }) => {
  const sid = newSessionId();
  await openSession(page, sid);
  await send(page, 'first turn in 5 words');
  await expect(responses(page).first()).toHaveAttribute('data-status', 'complete');
  await send(page, 'second turn spans the restart in 80 words');
  const r = responses(page).nth(1);
  await waitForStreaming(r, 20);
  await restartServer(page);
  await expect(r).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  for (const i of [0, 1]) {
    const el = responses(page).nth(i);
    const record = await agentRecord(await responseId(el));
    expect(await textOf(el)).toBe(record.text);
  }
  // A fresh tab after the restart hydrates both turns from the persisted log.
  const fresh = await page.context().newPage();
  await openSession(fresh, sid);
  await expect(responses(fresh)).toHaveCount(2);
  for (const i of [0, 1]) {
    const el = responses(fresh).nth(i);
    const record = await agentRecord(await responseId(el));
    expect(await textOf(el)).toBe(record.text);
  }
});
