import { expect, test } from '@playwright/test';
import { demoAnswer } from '../src/agent/demo/index.js';
import { agentLog, agentRecord, newSessionId, openSession, responseId, responses, send, textOf, waitForStreaming } from './fixtures.js';

test('stop in tab B cancels the stream in both tabs, and the agent process logs an abort', async ({ context }) => {
  const sid = newSessionId();
  const a = await context.newPage();
  const b = await context.newPage();
  await openSession(a, sid);
  await openSession(b, sid);
  await send(a, 'stream a while so B can stop it in 120 words');
  await waitForStreaming(responses(b).first(), 20);
  const stop = b.locator('[data-ds-stop-button]');
  await expect(stop).toHaveAttribute('data-state', 'idle');
  await stop.click();
  await expect(responses(a).first()).toHaveAttribute('data-status', 'cancelled');
  await expect(responses(b).first()).toHaveAttribute('data-status', 'cancelled');
  await expect(b.locator('[data-ds-streaming-message] [data-part="ending"]')).toHaveText('Cancelled');
  await expect(stop).toHaveAttribute('data-state', 'idle');
  const record = await agentRecord(await responseId(responses(a).first()));
  expect(record.type).toBe('abort');
  expect(record.status).toBe('cancelled');
  expect(await textOf(responses(a).first())).toBe(record.text);
  expect(await textOf(responses(b).first())).toBe(record.text);
});

test('stop pressed before the first token: the turn ends cancelled and no text arrives later', async ({ page }) => {
  const sid = newSessionId();
  await openSession(page, sid);
  const input = page.locator('[data-ds-composer] [data-part="input"]');
  await input.fill('stop me before I start in 50 words');
  // Keyboard only: Enter sends, Esc (focus still in the chat) stops.
  await input.press('Enter');
  await input.press('Escape');
  const r = responses(page).first();
  await expect(r).toHaveAttribute('data-status', 'cancelled');
  const record = await agentRecord(await responseId(r));
  expect(record.status).toBe('cancelled');
  expect(record.text).toBe('');
  // Had the abandoned reply been generated anyway, its words would land within these seconds.
  await page.waitForTimeout(3000);
  expect(await textOf(r)).toBe('');
  await expect(r).toHaveAttribute('data-status', 'cancelled');
  expect(agentLog().filter((e) => e.turnId === record.turnId)).toHaveLength(1);
});

test('steer mid-stream rewrites the rest of the answer in readable words, with the ack visible in both tabs', async ({ context }) => {
  const sid = newSessionId();
  const a = await context.newPage();
  const b = await context.newPage();
  await openSession(a, sid);
  await openSession(b, sid);
  const prompt = 'talk for a while in 100 words';
  await send(a, prompt);
  await waitForStreaming(responses(a).first(), 20);
  const steer = b.locator('[data-ds-steer-input] [data-part="input"]');
  await steer.fill('answer in French');
  await steer.press('Enter');
  await expect(a.locator('[data-ds-steer-input] [data-part="ack"]')).toHaveAttribute('data-ack', 'applied');
  await expect(b.locator('[data-ds-steer-input] [data-part="ack"]')).toHaveAttribute('data-ack', 'applied');
  await expect(responses(a).first()).toHaveAttribute('data-status', 'complete');
  const record = await agentRecord(await responseId(responses(a).first()));
  expect(record.steersApplied).toHaveLength(1);
  const text = await textOf(responses(a).first());
  expect(text).toBe(record.text);
  // The agent says where it took the steer, and the rest is the demo agent's French.
  const marker = ' — and, as you asked, in French: ';
  const at = text.indexOf(marker);
  expect(at).toBeGreaterThan(0);
  const afterWords = text.slice(0, at).split(' ').length;
  expect(text).toBe(demoAnswer(prompt, 100, { voice: 'assistant', steers: [{ afterWords, text: 'answer in French' }] }));
  expect(await textOf(responses(b).first())).toBe(record.text);
});
