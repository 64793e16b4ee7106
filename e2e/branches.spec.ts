import { expect, test } from '@playwright/test';
import { agentRecord, branchPicker, newSessionId, openSession, responseId, responses, send, textOf, waitForStreaming } from './fixtures.js';

const question = (p: import('@playwright/test').Page) => p.locator('[data-ds-user-message] [data-part="content"]');

test('an edit in tab A makes a branch both tabs follow; each tab picks its own branch, and a reload keeps the pick', async ({ context }) => {
  const sid = newSessionId();
  const a = await context.newPage();
  const b = await context.newPage();
  await openSession(a, sid);
  await openSession(b, sid);

  const first = 'tell me about durable sessions in 12 words';
  await send(a, first);
  await expect(responses(a)).toHaveCount(1);
  await expect(responses(a).first()).toHaveAttribute('data-status', 'complete');
  await expect(responses(b).first()).toHaveAttribute('data-status', 'complete');
  const firstId = await responseId(responses(a).first());
  const firstAnswer = (await agentRecord(firstId)).text;
  expect(await textOf(responses(b).first())).toBe(firstAnswer);
  // One branch only: no picker yet.
  await expect(a.locator('[data-ds-branch-picker]')).toHaveCount(0);

  // Tab A edits its message: a sibling turn, answered by the agent, followed by both tabs.
  const edited = 'tell me about resumable streams in 40 words';
  await a.getByRole('button', { name: 'Edit message' }).click();
  const box = a.getByRole('textbox', { name: 'Edit your message' });
  await expect(box).toHaveValue(first);
  await box.fill(edited);
  await box.press('Enter');
  await expect(box).toHaveCount(0);

  for (const p of [a, b]) await expect(question(p)).toHaveText([edited]);
  // The new answer streams in both tabs (40 words at the e2e pace take seconds).
  await waitForStreaming(responses(a).first(), 5);
  await waitForStreaming(responses(b).first(), 5);
  const secondId = await responseId(responses(a).first());
  expect(secondId).not.toBe(firstId);
  expect(await responseId(responses(b).first())).toBe(secondId);
  for (const p of [a, b]) await expect(responses(p).first()).toHaveAttribute('data-status', 'complete');
  const secondAnswer = (await agentRecord(secondId)).text;
  for (const p of [a, b]) {
    await expect(responses(p)).toHaveCount(1);
    expect(await textOf(responses(p).first())).toBe(secondAnswer);
    await expect(branchPicker(p)).toContainText('2 / 2');
    await expect(branchPicker(p)).toHaveAttribute('data-count', '2');
  }

  // Tab A flips back to branch 1; tab B keeps showing branch 2.
  await branchPicker(a).getByRole('button', { name: 'Previous branch' }).click();
  await expect(branchPicker(a)).toContainText('1 / 2');
  await expect(question(a)).toHaveText([first]);
  await expect(responses(a)).toHaveCount(1);
  await expect(responses(a).first()).toHaveAttribute('data-response-id', firstId);
  expect(await textOf(responses(a).first())).toBe(firstAnswer);
  await expect(branchPicker(b)).toContainText('2 / 2');
  await expect(question(b)).toHaveText([edited]);
  await expect(responses(b).first()).toHaveAttribute('data-response-id', secondId);

  // The pick is the tab's own and survives a reload of that tab.
  await a.reload();
  await expect(a.locator('[data-ds-chat]')).toBeVisible();
  await expect(branchPicker(a)).toContainText('1 / 2');
  await expect(question(a)).toHaveText([first]);
  await expect(responses(a).first()).toHaveAttribute('data-response-id', firstId);
  expect(await textOf(responses(a).first())).toBe(firstAnswer);
  await expect(branchPicker(b)).toContainText('2 / 2');
  await expect(question(b)).toHaveText([edited]);
});

test('How to try it: "Edit your last question" branches it; Up in the empty box edits by hand, and the pickers page all three', async ({ page }) => {
  const sid = newSessionId();
  await openSession(page, sid);
  const first = 'what is a durable session in 6 words';
  await send(page, first);
  await expect(responses(page).first()).toHaveAttribute('data-status', 'complete');

  await page.getByRole('button', { name: 'Edit your last question: in 12 words' }).click();
  await expect(question(page)).toHaveText(['what is a durable session in 12 words']);
  await expect(responses(page).first()).toHaveAttribute('data-status', 'complete');
  const twelve = (await agentRecord(await responseId(responses(page).first()))).text;
  expect(twelve.trim().split(/\s+/)).toHaveLength(12);
  await expect(branchPicker(page)).toContainText('2 / 2');

  // Up in the empty message box opens the editor on the last question.
  const input = page.locator('[data-ds-composer] [data-part="input"]');
  await input.focus();
  await input.press('ArrowUp');
  const box = page.getByRole('textbox', { name: 'Edit your message' });
  await expect(box).toBeFocused();
  await box.fill('what is a durable session in 3 words');
  await box.press('Enter');
  await expect(question(page)).toHaveText(['what is a durable session in 3 words']);
  await expect(responses(page).first()).toHaveAttribute('data-status', 'complete');
  await expect(branchPicker(page)).toContainText('3 / 3');
  for (const [n, q] of [[2, 'what is a durable session in 12 words'], [1, first]] as const) {
    await branchPicker(page).getByRole('button', { name: 'Previous branch' }).click();
    await expect(branchPicker(page)).toContainText(`${n} / 3`);
    await expect(question(page)).toHaveText([q]);
  }
});
