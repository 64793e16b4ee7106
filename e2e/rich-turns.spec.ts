import { expect, test, type Page } from '@playwright/test';
import { demoToolText, demoWeather } from '../src/agent/demo/index.js';
import { newSessionId, openSession, responseId, responses, send } from './fixtures.js';
import { answerText, reasoningOf, responseById, richRecord, shown, sourcesOf, toolCall, toolOf, toolState } from './rich-fixtures.js';

const FULL_INPUT = JSON.stringify({ city: 'Paris' });

/**
 * Records every distinct (state label, input) the weather call shows on this page load. Polling
 * from the test could miss the brief stretch between the page coming back and the input
 * completing; a mutation observer in the page cannot.
 */
async function recordWeatherCall(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: { state: string; input: string }[] = [];
    (window as unknown as { __weatherCall: typeof seen }).__weatherCall = seen;
    new MutationObserver(() => {
      const call = document.querySelector('[role="group"][aria-label="Tool weather"]');
      if (!call) return;
      const state = call.querySelector('[data-part="header"] [data-part="state"]')?.textContent ?? '';
      const input = call.querySelector('[data-part="input"]')?.textContent ?? '';
      const last = seen[seen.length - 1];
      if (!last || last.state !== state || last.input !== input) seen.push({ state, input });
    }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

const weatherCallSeen = (page: Page) => page.evaluate(() => (window as unknown as { __weatherCall: { state: string; input: string }[] }).__weatherCall);

test('reload while the tool input streams: the call comes back part-way, completes as the agent logged it, and the answer follows', async ({ page }) => {
  await recordWeatherCall(page);
  const sid = newSessionId();
  await openSession(page, sid);
  await send(page, 'weather in Paris');

  // Reload the moment the input starts streaming; waitFor reacts faster than expect's polling.
  const streaming = page.locator('[data-ds-tool-call][data-tool-name="weather"][data-state="input-streaming"]');
  await streaming.waitFor();
  const id = await responseId(responses(page).first());
  const before = await weatherCallSeen(page);
  await page.reload();

  // Before the reload the page showed a partial input only.
  expect(before.length).toBeGreaterThan(0);
  for (const s of before) {
    expect(s.state).toBe('Preparing…');
    expect(FULL_INPUT.startsWith(s.input) && s.input !== FULL_INPUT).toBe(true);
  }

  await expect(page.getByTestId('session-id')).toHaveText(`session:${sid}`);
  const again = responseById(page, id);
  const call = toolCall(again, 'weather');
  await expect(call).toBeVisible();
  await expect(toolState(call)).toHaveText('Done');
  await expect(again).toHaveAttribute('data-status', 'complete');

  // After the reload the call was first shown still streaming its input, and every piece after
  // that extended it: nothing repeated, nothing skipped back.
  const after = await weatherCallSeen(page);
  expect(after[0].state).toBe('Preparing…');
  expect(after[0].input.length).toBeLessThan(FULL_INPUT.length);
  const partial = after.filter((s) => s.state === 'Preparing…').map((s) => s.input);
  for (const [i, input] of partial.entries()) {
    expect(FULL_INPUT.startsWith(input)).toBe(true);
    if (i > 0) expect(input.length).toBeGreaterThan(partial[i - 1].length);
  }
  expect(after.map((s) => s.state).filter((s, i, all) => s !== all[i - 1])).toEqual(['Preparing…', 'Running…', 'Done']);

  const record = await richRecord(id);
  expect(record.status).toBe('complete');
  const tool = toolOf(record);
  expect(tool).toMatchObject({ toolName: 'weather', state: 'output-available', inputText: FULL_INPUT });
  await expect(call.locator('[data-part="input"]')).toHaveText(shown(tool.input));
  await expect(call.locator('[data-part="output"]')).toHaveText(shown(tool.output));
  expect(tool.output).toEqual(demoWeather('Paris'));
  await expect(answerText(again)).toHaveText([record.text]);
  expect(record.text).toBe(demoToolText.weatherAnswer(demoWeather('Paris')));
  await expect(toolCall(page, 'weather')).toHaveCount(1);
  await expect(responses(page)).toHaveCount(1);
});

test('a tab opened after the weather answer shows the reasoning collapsed and expandable, and the cited source', async ({ context }) => {
  const sid = newSessionId();
  const a = await context.newPage();
  await openSession(a, sid);
  await send(a, 'weather in Paris');
  const first = responses(a).first();
  await expect(first).toHaveAttribute('data-status', 'complete');
  const id = await responseId(first);
  const record = await richRecord(id);
  const reasoning = reasoningOf(record);
  const [source] = sourcesOf(record);
  expect(reasoning?.text).toBe(demoToolText.weatherReasoning('Paris').join(''));
  expect(source).toMatchObject(demoToolText.weatherSource('Paris'));

  const late = await context.newPage();
  await openSession(late, sid);
  const r = responseById(late, id);
  await expect(r).toHaveAttribute('data-status', 'complete');
  await expect(answerText(r)).toHaveText([record.text]);
  await expect(toolState(toolCall(r, 'weather'))).toHaveText('Done');

  // Reasoning: collapsed, with a summary saying it is done; its text shows once expanded.
  const details = r.locator('details[data-ds-reasoning]');
  const summary = details.locator('summary');
  await expect(summary).toHaveText(/^Thought/);
  await expect(details).not.toHaveAttribute('open');
  const thought = details.getByText(reasoning!.text, { exact: true });
  await expect(thought).toBeHidden();
  await summary.click();
  await expect(details).toHaveAttribute('open', '');
  await expect(thought).toBeVisible();
  await summary.click();
  await expect(thought).toBeHidden();

  // The source: a numbered list under "Sources", a link that opens a new tab without an opener.
  await expect(r.getByText('Sources', { exact: true })).toBeVisible();
  const list = r.getByRole('list', { name: 'Sources' });
  await expect(list.getByRole('listitem')).toHaveCount(1);
  const link = list.getByRole('link', { name: source.title! });
  await expect(link).toBeVisible();
  await expect(link).toHaveAttribute('href', source.url!);
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', /noopener/);
  // The parts come in the order the agent wrote them: reasoning, tool call, sources, answer.
  const order = await r.locator(':scope > [data-part="content"] > *:not([data-part="cursor"])').evaluateAll((els) =>
    els.map((e) => (e.matches('[data-ds-reasoning]') ? 'reasoning' : e.matches('[data-ds-tool-call]') ? 'tool-call' : e.matches('[data-ds-sources]') ? 'sources' : e.getAttribute('data-part') ?? e.tagName)),
  );
  expect(order).toEqual(['reasoning', 'tool-call', 'sources', 'text']);
});
