/**
 * Saves docs/playground.png: the Playground mid-stream, two tabs of one session side by side, for
 * the README. Runs in Chromium (vitest browser mode) on the composed Playground story.
 */
import { composeStories, setProjectAnnotations } from '@storybook/react-vite';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import preview from '../.storybook/preview.js';
import * as stories from './playground.stories.js';

// React warns about updates outside act() unless told this is a test environment.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
setProjectAnnotations(preview);
const { Default: Playground } = composeStories(stories);

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.replaceChildren();
});

const chat = (label: string) => document.querySelector<HTMLElement>(`[data-ds-chat][aria-label="${label}"]`)!;
const lastResponse = (scope: HTMLElement) => [...scope.querySelectorAll<HTMLElement>('[data-ds-streaming-message]')].pop();
const words = (el: HTMLElement | undefined) => (el?.querySelector('[data-part="content"]')?.textContent ?? '').trim().split(/\s+/).filter(Boolean).length;

test('the Playground mid-stream is saved to docs/playground.png', async () => {
  const container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() => root!.render(<Playground tokensPerSecond={8} tokens={300} latencyMs={20} secondTab secondAgent={false} />));

  await expect.poll(() => chat('Tab 1')?.querySelector('[data-agent-id="demo"]'), { timeout: 20_000 }).toBeTruthy();
  await expect.poll(() => chat('Tab 2')?.textContent ?? '', { timeout: 20_000 }).toContain('You on 2 tabs');

  await userEvent.fill(page.getByRole('textbox', { name: 'Message' }).first(), 'How do durable sessions survive a reload?');
  await userEvent.keyboard('{Enter}');
  await expect.poll(() => words(lastResponse(chat('Tab 1'))), { timeout: 20_000 }).toBeGreaterThanOrEqual(24);
  await userEvent.fill(page.getByRole('textbox', { name: 'Steer the response' }).first(), 'mention presence');
  await userEvent.keyboard('{Enter}');
  await expect.poll(() => chat('Tab 1').textContent ?? '', { timeout: 20_000 }).toContain('Applied: “mention presence”');
  await expect.poll(() => words(lastResponse(chat('Tab 2'))), { timeout: 20_000 }).toBeGreaterThanOrEqual(44);

  const path = await page.screenshot({ path: '../docs/playground.png' });
  expect(path.replaceAll('\\', '/')).toMatch(/docs\/playground\.png$/);
  // The picture is of a live stream: both tabs were still streaming when it was taken.
  expect(lastResponse(chat('Tab 1'))?.dataset.status).toBe('streaming');
  expect(lastResponse(chat('Tab 2'))?.dataset.status).toBe('streaming');
});
