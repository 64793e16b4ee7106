import { expect, test, type Locator, type Page } from '@playwright/test';
import { demoToolText } from '../src/agent/demo/index.js';
import { newSessionId, openSession, responseId, responses, send } from './fixtures.js';
import { answerText, approvalPrompt, responseById, richRecord, shown, toolCall, toolOf, toolState, userOf } from './rich-fixtures.js';

const approveButton = (prompt: Locator) => prompt.getByRole('button', { name: 'Approve', exact: true });
const denyButton = (prompt: Locator) => prompt.getByRole('button', { name: 'Deny', exact: true });

/** Sends the email prompt and waits until this page offers the decision. */
async function askToEmail(page: Page, to: string): Promise<{ id: string; prompt: Locator }> {
  await send(page, `send an email to ${to}`);
  const prompt = approvalPrompt(page, 'send_email');
  await expectWaiting(prompt);
  return { id: await responseId(responses(page).first()), prompt };
}

async function expectWaiting(prompt: Locator): Promise<void> {
  await expect(prompt.getByText('Waiting for approval')).toBeVisible();
  await expect(approveButton(prompt)).toBeVisible();
  await expect(approveButton(prompt)).not.toHaveAttribute('aria-disabled', 'true');
  await expect(denyButton(prompt)).toBeVisible();
}

async function expectSettled(prompt: Locator, status: string | RegExp): Promise<void> {
  await expect(prompt.getByRole('status')).toHaveText(status);
  await expect(prompt.getByRole('button')).toHaveCount(0);
  await expect(prompt.getByText('Waiting for approval')).toHaveCount(0);
}

test('approved in tab B while tab A watches: both say who approved and show the agent’s answer', async ({ browser }) => {
  // Two people, so each tab names the other correctly: "you" in B, B's user in A.
  const alice = await browser.newContext();
  const bob = await browser.newContext();
  try {
    const sid = newSessionId();
    const a = await alice.newPage();
    const b = await bob.newPage();
    await openSession(a, sid);
    await openSession(b, sid);
    const { id, prompt: inA } = await askToEmail(a, 'ann@example.com');
    const r = { a: responseById(a, id), b: responseById(b, id) };
    const inB = approvalPrompt(r.b, 'send_email');
    await expectWaiting(inB);
    await expect(toolState(toolCall(r.a, 'send_email'))).toHaveText('Needs approval');
    await expect(toolCall(r.b, 'send_email').locator('[data-part="input"]')).toHaveText(shown(demoToolText.emailInput('ann@example.com')));

    await approveButton(inB).click();
    await expectSettled(inB, 'Approved by you');
    await expectSettled(inA, `Approved by ${await userOf(b)}`);

    const record = await richRecord(id);
    expect(record.status).toBe('complete');
    expect(record.text).toBe(demoToolText.sent('ann@example.com'));
    const tool = toolOf(record);
    expect(tool).toMatchObject({ toolName: 'send_email', state: 'output-available', approval: { approved: true, by: await userOf(b) } });
    for (const page of [a, b]) {
      const mine = responseById(page, id);
      await expect(mine).toHaveAttribute('data-status', 'complete');
      await expect(answerText(mine)).toHaveText([record.text]);
      const call = toolCall(mine, 'send_email');
      await expect(toolState(call)).toHaveText('Done');
      await expect(call.locator('[data-part="output"]')).toHaveText(shown(tool.output));
    }
  } finally {
    await alice.close();
    await bob.close();
  }
});

test('denied with a reason in one tab: the agent answers without the tool, with the reason, in both tabs', async ({ context }) => {
  const sid = newSessionId();
  const a = await context.newPage();
  const b = await context.newPage();
  await openSession(a, sid);
  await openSession(b, sid);
  const { id, prompt: inA } = await askToEmail(a, 'bob@example.com');
  const inB = approvalPrompt(responseById(b, id), 'send_email');
  await expectWaiting(inB);

  await inB.getByLabel('Reason for denying (optional)').fill('not before Monday');
  await denyButton(inB).click();
  // One user on two tabs: both are "you".
  await expectSettled(inB, 'Denied by you: not before Monday');
  await expectSettled(inA, 'Denied by you: not before Monday');

  const record = await richRecord(id);
  expect(record.status).toBe('complete');
  expect(record.text).toBe('I did not send the email: not before Monday.');
  const tool = toolOf(record);
  expect(tool).toMatchObject({ state: 'denied', approval: { approved: false, reason: 'not before Monday' } });
  expect(tool.output).toBeUndefined();
  for (const page of [a, b]) {
    const mine = responseById(page, id);
    await expect(mine).toHaveAttribute('data-status', 'complete');
    await expect(answerText(mine)).toHaveText([record.text]);
    const call = toolCall(mine, 'send_email');
    await expect(toolState(call)).toHaveText('Denied');
    await expect(call.locator('[data-part="output"]')).toHaveCount(0);
  }
});

test('a reload while the email awaits approval keeps the prompt, and deciding after the reload works', async ({ page }) => {
  const sid = newSessionId();
  await openSession(page, sid);
  const { id } = await askToEmail(page, 'cy@example.com');
  await page.reload();
  await expect(page.getByTestId('session-id')).toHaveText(`session:${sid}`);
  const r = responseById(page, id);
  await expect(r).toHaveAttribute('data-status', 'streaming');
  const prompt = approvalPrompt(r, 'send_email');
  await expectWaiting(prompt);
  await expect(toolState(toolCall(r, 'send_email'))).toHaveText('Needs approval');

  await approveButton(prompt).click();
  await expectSettled(prompt, 'Approved by you');
  const record = await richRecord(id);
  expect(record.status).toBe('complete');
  expect(record.text).toBe(demoToolText.sent('cy@example.com'));
  expect(toolOf(record)).toMatchObject({ state: 'output-available', approval: { approved: true } });
  await expect(r).toHaveAttribute('data-status', 'complete');
  await expect(answerText(r)).toHaveText([record.text]);
  await expect(responses(page)).toHaveCount(1);
});

test('stop while the email awaits approval: the response ends cancelled in both tabs and nobody can decide any more', async ({ context }) => {
  const sid = newSessionId();
  const a = await context.newPage();
  const b = await context.newPage();
  await openSession(a, sid);
  await openSession(b, sid);
  const { id, prompt: inA } = await askToEmail(a, 'dee@example.com');
  const inB = approvalPrompt(responseById(b, id), 'send_email');
  await expectWaiting(inB);

  await a.getByRole('button', { name: 'Stop', exact: true }).click();
  for (const [page, prompt] of [[a, inA], [b, inB]] as const) {
    const mine = responseById(page, id);
    await expect(mine).toHaveAttribute('data-status', 'cancelled');
    await expect(mine.locator('[data-part="ending"]')).toHaveText('Cancelled');
    await expectSettled(prompt, 'Not decided: the response ended');
    await expect(answerText(mine)).toHaveCount(0);
  }
  const record = await richRecord(id);
  expect(record.status).toBe('cancelled');
  expect(record.text).toBe('');
  const tool = toolOf(record);
  expect(tool.state).toBe('awaiting-approval');
  expect(tool.approval).toBeUndefined();
});
