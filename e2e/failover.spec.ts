// The demo agent process dies mid-answer (kill -9): a standby carries the answer on from the same word
// in both tabs; with no agent left both tabs say so, and Retry answers once an agent is back.
import { expect, test, type Page } from '@playwright/test';
import { agentRecord, newSessionId, openSession, responseId, responses, send, textOf, waitForStreaming } from './fixtures.js';

const dev = async (page: Page, path: string) => {
  const r = await page.request.post(`/api/dev/${path}`, { headers: { 'x-ds-dev': '1' } });
  expect(r.ok(), `${path}: ${await r.text()}`).toBe(true);
};

const agents = async (page: Page) => (await (await page.request.get('/api/dev/agents')).json()) as Record<string, number>;

/** Both agent processes running again, whatever a test left behind (a replacement may be starting). */
async function restore(page: Page): Promise<void> {
  const running = await agents(page);
  for (const role of ['primary', 'standby']) {
    if (running[role]) continue;
    const r = await page.request.post(`/api/dev/start-agent?role=${role}`, { headers: { 'x-ds-dev': '1' } });
    expect([200, 409]).toContain(r.status());
  }
  await expect.poll(async () => Object.keys(await agents(page)).sort(), { timeout: 30_000 }).toEqual(['primary', 'standby']);
}

async function twoTabsMidAnswer(page: Page, prompt: string): Promise<Page> {
  const sid = newSessionId();
  await openSession(page, sid);
  const second = await page.context().newPage();
  await openSession(second, sid);
  await send(page, prompt);
  await waitForStreaming(responses(page).first(), 40);
  await waitForStreaming(responses(second).first(), 40);
  return second;
}

test.afterEach(async ({ page }) => restore(page));

test('Kill the agent process mid-answer: the takeover finishes the answer word for word in both tabs', async ({ page }) => {
  await restore(page);
  const second = await twoTabsMidAnswer(page, 'Tell me about durable sessions in 120 words');
  const { primary } = await agents(page);
  const strip = page.getByRole('region', { name: 'How to try it' });
  await strip.getByRole('button', { name: 'Kill the agent process' }).click();
  await expect(strip.getByRole('status')).toContainText(`Killed process ${primary}`);

  // The standby, or the primary's replacement if it came up first, carries the answer on.
  const record = await agentRecord(await responseId(responses(page).first()));
  expect(record).toMatchObject({ status: 'complete', reason: 'takeover' });
  for (const tab of [page, second]) {
    await expect(responses(tab)).toHaveCount(1);
    await expect(responses(tab).first()).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
    expect(await textOf(responses(tab).first())).toBe(record.text);
  }
  expect(record.text.split(' ')).toHaveLength(120);
});

test('with no agent left both tabs show it stopped responding; once one is back, Retry answers in both', async ({ page }) => {
  await restore(page);
  const second = await twoTabsMidAnswer(page, 'Tell me about retries in 60 words');
  const first = await responseId(responses(page).first());
  await dev(page, 'kill-agent?role=standby&restart=0');
  await dev(page, 'kill-agent?role=primary&restart=0');

  for (const tab of [page, second]) {
    const r = responses(tab).first();
    await expect(r).toHaveAttribute('data-status', 'interrupted');
    await expect(r.getByText('The assistant stopped responding')).toBeVisible();
    expect((await textOf(r)).length).toBeGreaterThan(0);
  }
  // The text so far is kept, the same in both.
  expect(await textOf(responses(second).first())).toBe(await textOf(responses(page).first()));

  // A replacement that leaves the dead answer alone, so the retry is what answers.
  await dev(page, 'start-agent?role=primary&takeover=off');
  await expect(page.locator('[data-ds-presence-bar]')).toHaveAttribute('data-agents', /[1-9]/);
  await responses(page).first().getByRole('button', { name: 'Retry' }).click();

  for (const tab of [page, second]) {
    const r = responses(tab).first();
    await expect(r.getByRole('group', { name: 'Versions' })).toContainText('2 / 2');
    await expect(r).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
    await expect(responses(tab)).toHaveCount(1);
  }
  const retried = await responseId(responses(page).first());
  expect(retried).not.toBe(first);
  const record = await agentRecord(retried);
  expect(record).toMatchObject({ status: 'complete', reason: 'retry' });
  for (const tab of [page, second]) expect(await textOf(responses(tab).first())).toBe(record.text);
  expect(record.text.split(' ')).toHaveLength(60);
});
