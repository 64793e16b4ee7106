// Saves docs/demo.png for the README: the demo app mid-answer, both agents streaming readable text,
// taken against the full `npm start` stack like every other spec here.
import { expect, test } from '@playwright/test';
import { newSessionId, openSession, responses, textOf } from './fixtures.js';

test.use({ viewport: { width: 1000, height: 860 } });

test('the demo mid-answer is saved to docs/demo.png', async ({ page }) => {
  await openSession(page, newSessionId());
  await expect(page.locator('[data-ds-presence-bar]')).toHaveAttribute('data-agents', '2');
  await page.getByRole('region', { name: 'How to try it' }).getByRole('button', { name: /^Ask/ }).click();
  await expect(responses(page)).toHaveCount(2);
  for (const r of await responses(page).all()) {
    await expect.poll(async () => (await textOf(r)).split(' ').length, { message: 'a few sentences streamed' }).toBeGreaterThanOrEqual(30);
  }
  await page.screenshot({ path: 'docs/demo.png' });
  // The picture is of a live stream: both answers were still being written when it was taken.
  for (const r of await responses(page).all()) await expect(r).toHaveAttribute('data-status', 'streaming');
});
