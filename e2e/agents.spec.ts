import { expect, test } from '@playwright/test';
import { agentRecord, newSessionId, openSession, responses, send, textOf, waitForStreaming } from './fixtures.js';

test('two agents answer in one session with their own badges; stopping one leaves the other running', async ({ page }) => {
  const sid = newSessionId();
  await openSession(page, sid);
  await expect(page.locator('[data-ds-presence-bar]')).toHaveAttribute('data-agents', '2');
  await send(page, 'what do you both think @reviewer in 100 words');
  const assistant = page.locator('[data-ds-streaming-message][data-agent-id="assistant"]');
  const reviewer = page.locator('[data-ds-streaming-message][data-agent-id="reviewer"]');
  await expect(responses(page)).toHaveCount(2);
  await expect(assistant.locator('[data-ds-agent-badge]')).toHaveAttribute('data-agent-id', 'assistant');
  await expect(reviewer.locator('[data-ds-agent-badge]')).toHaveAttribute('data-agent-id', 'reviewer');
  await waitForStreaming(reviewer, 10);
  await waitForStreaming(assistant, 10);

  await reviewer.locator('[data-part="stop"]').click();
  await expect(reviewer).toHaveAttribute('data-status', 'cancelled');
  await expect(assistant).toHaveAttribute('data-status', 'streaming');
  await expect(assistant).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });

  const stopped = await agentRecord((await reviewer.getAttribute('data-response-id'))!);
  const finished = await agentRecord((await assistant.getAttribute('data-response-id'))!);
  expect(stopped.agentId).toBe('reviewer');
  expect(stopped.type).toBe('abort');
  expect(finished.agentId).toBe('assistant');
  expect(finished.status).toBe('complete');
  expect(finished.aborted).toBe(false);
  expect(await textOf(reviewer)).toBe(stopped.text);
  expect(await textOf(assistant)).toBe(finished.text);
});
