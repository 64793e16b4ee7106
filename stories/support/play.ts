/**
 * Helpers for play functions. They wait on what a person would see (text, `data-*` state), never on
 * elapsed time; the long timeouts only bound how long a slow machine may take.
 */
import { expect, userEvent, waitFor, within } from 'storybook/test';

export const STREAM_TIMEOUT = { timeout: 20_000 };

/** The chat region with this accessible name (DurableChat's `label`). */
export function chat(root: HTMLElement, label = 'Chat'): HTMLElement {
  return within(root).getByRole('region', { name: label });
}

/** Waits until the presence bar lists `agentId`, so a message sent now will be answered. */
export async function waitForAgent(scope: HTMLElement, agentId = 'demo'): Promise<void> {
  const bar = await within(scope).findByRole('group', { name: 'Who is here' }, STREAM_TIMEOUT);
  await within(bar).findByText(agentId, {}, STREAM_TIMEOUT);
}

/** Types into the message box and presses Enter. */
export async function sendMessage(scope: HTMLElement, text: string): Promise<void> {
  const box = within(scope).getByRole('textbox', { name: 'Message' });
  await userEvent.click(box);
  await userEvent.type(box, `${text}{Enter}`);
}

/** Every response element in `scope`, oldest first. */
export function responses(scope: HTMLElement): HTMLElement[] {
  return [...scope.querySelectorAll<HTMLElement>('[data-ds-streaming-message]')];
}

/** The newest response's element. */
export function lastResponse(scope: HTMLElement): HTMLElement {
  const all = responses(scope);
  const last = all[all.length - 1];
  if (!last) throw new Error('no response yet');
  return last;
}

/** The visible text of a response (its content part). */
export function contentOf(response: HTMLElement): string {
  return response.querySelector('[data-part="content"]')?.textContent ?? '';
}

/** Waits until the newest response is streaming with at least `words` words. */
export async function waitForStreaming(scope: HTMLElement, words = 1): Promise<HTMLElement> {
  let el: HTMLElement | undefined;
  await waitFor(() => {
    el = lastResponse(scope);
    expect(el.dataset.status).toBe('streaming');
    expect(contentOf(el).trim().split(/\s+/).filter(Boolean).length).toBeGreaterThanOrEqual(words);
  }, STREAM_TIMEOUT);
  return el!;
}

/** Waits until `response` has `data-status` = `status`. */
export async function waitForStatus(response: HTMLElement, status: string): Promise<void> {
  await waitFor(() => expect(response.dataset.status).toBe(status), STREAM_TIMEOUT);
}

/** The connection banner inside `scope`. */
export function bannerOf(scope: HTMLElement): HTMLElement {
  const el = scope.querySelector<HTMLElement>('[data-ds-connection-banner]');
  if (!el) throw new Error('no connection banner');
  return el;
}
