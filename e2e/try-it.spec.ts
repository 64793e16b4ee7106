import { expect, test, type Page } from '@playwright/test';
import { agentRecord, newSessionId, openSession, responseId, responses, textOf, waitForStreaming } from './fixtures.js';

const strip = (page: Page) => page.getByRole('region', { name: 'How to try it' });
const button = (page: Page, name: string | RegExp) => strip(page).getByRole('button', { name });

/** Opens the session and waits for both demo agents, so the sample question reaches both. */
async function openWithAgents(page: Page, sid: string): Promise<void> {
  await openSession(page, sid);
  await expect(page.locator('[data-ds-presence-bar]')).toHaveAttribute('data-agents', '2');
}

/** Every response on the page ends, and each shows exactly what its agent wrote. */
async function matchesAgentLog(page: Page, count: number): Promise<void> {
  await expect(responses(page)).toHaveCount(count);
  for (let i = 0; i < count; i++) {
    const r = responses(page).nth(i);
    await expect(r).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
    const record = await agentRecord(await responseId(r));
    expect(await textOf(r)).toBe(record.text);
  }
}

test('How to try it: ask, open a second tab, simulate offline 5 s — both tabs end with exactly what the agents wrote', async ({ page, context }) => {
  const sid = newSessionId();
  await openWithAgents(page, sid);
  await button(page, /^Ask/).click();
  await expect(page.locator('[data-ds-user-message] [data-part="content"]')).toHaveText('Tell me about durable sessions @reviewer');
  await expect(responses(page)).toHaveCount(2);
  await waitForStreaming(responses(page).first(), 10);

  const [second] = await Promise.all([context.waitForEvent('page'), button(page, 'Open a second tab').click()]);
  await expect(second.getByTestId('session-id')).toHaveText(`session:${sid}`);
  await expect(second.locator('[data-ds-presence-bar]')).toHaveAttribute('data-tabs', '2');
  await expect(responses(second)).toHaveCount(2);

  const banner = page.locator('[data-ds-connection-banner]');
  await button(page, 'Simulate offline 5 s').click();
  await expect(button(page, /^Offline… \d s$/)).toBeDisabled();
  await expect(banner).toHaveAttribute('data-state', 'reconnecting');
  // Only this page went offline: the second tab keeps streaming.
  await expect(second.locator('[data-ds-connection-banner]')).not.toHaveAttribute('data-state', 'reconnecting');
  await expect(banner).toHaveAttribute('data-state', /resumed|caught-up/, { timeout: 20_000 });
  await expect(button(page, 'Simulate offline 5 s')).toBeEnabled();

  await matchesAgentLog(page, 2);
  await matchesAgentLog(second, 2);
});

test('How to try it: steer in French, then reload — the page resumes the steered answers exactly', async ({ page }) => {
  const sid = newSessionId();
  await openWithAgents(page, sid);
  const steer = button(page, 'Steer: in French');
  await expect(steer).toBeDisabled();
  await button(page, /^Ask/).click();
  await waitForStreaming(responses(page).first(), 10);
  await steer.click();
  await expect(page.locator('[data-ds-steer-input] [data-part="ack"]')).toHaveAttribute('data-ack', 'applied');
  await expect.poll(async () => (await textOf(responses(page).first())).includes('— and, as you asked, in French:')).toBe(true);

  await button(page, 'Reload').click();
  await expect(page.getByTestId('session-id')).toHaveText(`session:${sid}`);
  await matchesAgentLog(page, 2);
  for (let i = 0; i < 2; i++) {
    const record = await agentRecord(await responseId(responses(page).nth(i)));
    expect(record.steersApplied).toHaveLength(1);
    expect(record.text).toContain('— and, as you asked, in French:');
  }
});
