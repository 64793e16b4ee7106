import { expect, test } from '@playwright/test';
import { seededAnswer, seededQuestion } from '../scripts/dev-seed.mjs';
import { agentLog, openSession, responses, rows, sawLoadingOlder, scrollListToTop, seedSession, textOf } from './fixtures.js';

const TURNS = 10_000;
/** The controller's default history page: 100 messages, 50 turns. */
const PAGE_TURNS = 50;

test('a 10,000-turn session opens on its newest page, and scrolling up loads older turns above without moving what is on screen', async ({ page }) => {
  const sid = `e2epage${Math.random().toString(36).slice(2, 8)}`;
  const seeded = await seedSession(page, sid, TURNS);
  expect(seeded).toMatchObject({ turns: TURNS, messages: 2 * TURNS, retainedAll: true });

  await openSession(page, sid);
  // The newest turns are there, finished, and the DOM holds about one page of rows, not 20,000.
  const userRows = page.locator('[data-ds-user-message] [data-part="content"]');
  await expect(userRows.last()).toHaveText(seededQuestion(TURNS - 1));
  await expect(responses(page).last()).toHaveAttribute('data-status', 'complete');
  expect(await textOf(responses(page).last())).toBe(seededAnswer(TURNS - 1));
  await expect(userRows.first()).toHaveText(seededQuestion(TURNS - PAGE_TURNS));
  const opened = await rows(page).count();
  expect(opened).toBe(2 * PAGE_TURNS);
  await expect(page.locator('[data-part="load-older"]')).toBeVisible();
  // No agent answers the seeded turns: every response on screen is a seeded one.
  expect(await responses(page).count()).toBe(PAGE_TURNS);

  let count = opened;
  for (let p = 1; p <= 3; p++) {
    const topKey = (await rows(page).first().getAttribute('data-key'))!;
    const y = await scrollListToTop(page, topKey);
    // Older turns arrive above the row that was on top, and that row stays where it was on screen.
    await expect.poll(() => rows(page).count(), { message: `page ${p} of older rows` }).toBeGreaterThan(count);
    await expect(userRows.first()).toHaveText(seededQuestion(TURNS - PAGE_TURNS * (p + 1)));
    await expect(page.locator('[data-part="older"]')).toHaveCount(0);
    expect(await sawLoadingOlder(page), 'the list showed "Loading earlier messages…" while it loaded').toBe(true);
    const row = page.locator(`li[data-ds-message][data-key="${topKey}"]`);
    const box = await row.boundingBox();
    expect(box, 'the former top row is still rendered').not.toBeNull();
    expect(Math.abs(box!.y - y), `former top row moved from y=${y} to y=${box!.y}`).toBeLessThanOrEqual(4);
    const now = await rows(page).count();
    expect(now).toBe(count + 2 * PAGE_TURNS);
    // The earlier rows are above it, in order: the one just above is the answer of the turn before.
    const above = await rows(page).evaluateAll((els, k) => els.findIndex((e) => e.getAttribute('data-key') === k), topKey);
    expect(above).toBe(2 * PAGE_TURNS);
    count = now;
  }
  await expect(userRows.last()).toHaveText(seededQuestion(TURNS - 1));
  // The agents, serving the session since the page announced it, took every seeded turn as answered.
  await expect(page.locator('[data-ds-streaming-message][data-status="streaming"]')).toHaveCount(0);
  expect(agentLog().filter((e) => e.sessionId === `session:${sid}`)).toEqual([]);
});
