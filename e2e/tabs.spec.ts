import { expect, test } from '@playwright/test';
import { demoAnswer } from '../src/agent/demo/index.js';
import { agentRecord, newSessionId, openSession, responseId, responses, send, textOf, waitForStreaming } from './fixtures.js';

test('two tabs on one session: a prompt in tab A streams in both, and presence shows 2 tabs', async ({ context }) => {
  const sid = newSessionId();
  const a = await context.newPage();
  const b = await context.newPage();
  await openSession(a, sid);
  await openSession(b, sid);
  await expect(a.locator('[data-ds-presence-bar]')).toHaveAttribute('data-tabs', '2');
  await expect(b.locator('[data-ds-presence-bar]')).toHaveAttribute('data-tabs', '2');

  await send(a, 'hello from tab A in 30 words');
  await waitForStreaming(responses(b).first(), 5);
  await expect(responses(a).first()).toHaveAttribute('data-status', 'complete');
  await expect(responses(b).first()).toHaveAttribute('data-status', 'complete');
  const record = await agentRecord(await responseId(responses(a).first()));
  // The agent process runs the demo agent: readable sentences, exactly the words asked for.
  expect(record.text).toBe(demoAnswer('hello from tab A in 30 words', 30, { voice: 'assistant' }));
  expect(await textOf(responses(a).first())).toBe(record.text);
  expect(await textOf(responses(b).first())).toBe(record.text);
  await expect(b.locator('[data-ds-user-message] [data-part="content"]')).toHaveText('hello from tab A in 30 words');
});

test('closing tab A mid-stream does not cancel: tab B sees the response complete', async ({ context }) => {
  const sid = newSessionId();
  const a = await context.newPage();
  const b = await context.newPage();
  await openSession(a, sid);
  await openSession(b, sid);
  await send(a, 'keep going without me in 40 words');
  await waitForStreaming(responses(b).first(), 10);
  await a.close();
  await expect(responses(b).first()).toHaveAttribute('data-status', 'complete');
  const record = await agentRecord(await responseId(responses(b).first()));
  expect(record.status).toBe('complete');
  expect(record.aborted).toBe(false);
  expect(await textOf(responses(b).first())).toBe(record.text);
  await expect(b.locator('[data-ds-presence-bar]')).toHaveAttribute('data-tabs', '1');
});

test('a new tab opened after 20 finished turns shows the full history', async ({ context }) => {
  const sid = newSessionId();
  const a = await context.newPage();
  await openSession(a, sid);
  for (let i = 1; i <= 20; i++) {
    await send(a, `question ${i} in 3 words`);
    await expect(responses(a).nth(i - 1)).toHaveAttribute('data-status', 'complete');
  }
  const late = await context.newPage();
  await openSession(late, sid);
  await expect(responses(late)).toHaveCount(20);
  await expect(late.locator('[data-ds-user-message]')).toHaveCount(20);
  for (let i = 0; i < 20; i++) {
    const r = responses(late).nth(i);
    await expect(r).toHaveAttribute('data-status', 'complete');
    const record = await agentRecord(await responseId(r));
    expect(await textOf(r)).toBe(record.text);
  }
  await expect(late.locator('[data-ds-user-message] [data-part="content"]').nth(19)).toHaveText('question 20 in 3 words');
});
