import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createBroker } from '../../src/broker/index.js';
import { MessageList } from '../../src/components/index.js';
import { microtaskScheduler } from '../../src/core/index.js';
import { DurableSessionProvider } from '../../src/react/index.js';
import { createMemoryTransport, type MemoryTransport } from '../../src/transports/memory.js';
import { seedThread } from './support.js';

const SESSION = 'message-list-paging';
const PAIRS = 150; // 300 messages: three pages of 100
const ROW_PX = 50;

function open(transport: MemoryTransport) {
  render(
    <DurableSessionProvider sessionId={SESSION} transport={transport} options={{ scheduler: microtaskScheduler }}>
      <MessageList />
    </DurableSessionProvider>,
  );
  return screen.getByRole('region', { name: 'Messages' });
}

const rowCount = (list: HTMLElement) => list.querySelectorAll('li[data-ds-message]').length;
const firstQuestion = (list: HTMLElement) => list.querySelector('[data-ds-user-message] > [data-part="content"]')?.textContent;

/**
 * jsdom lays nothing out, so the list gets a stand-in geometry: every row is ROW_PX tall and
 * scrollTop is a plain value. Enough to see the list read and restore its place; the real check of
 * where rows land is the Playwright paging spec.
 */
function fakeGeometry(list: HTMLElement): { scrollTop: number } {
  let top = 0;
  Object.defineProperty(list, 'scrollHeight', { configurable: true, get: () => rowCount(list) * ROW_PX });
  Object.defineProperty(list, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(list, 'scrollTop', { configurable: true, get: () => top, set: (v: number) => void (top = v) });
  return {
    get scrollTop() {
      return top;
    },
    set scrollTop(v: number) {
      top = v;
    },
  };
}

describe('MessageList paging', () => {
  it('opens on the newest page; "Load earlier messages" adds the older page above, showing a status while it loads', async () => {
    const broker = createBroker();
    seedThread(broker, SESSION, PAIRS);
    const transport = createMemoryTransport({ broker, clientId: 'alice' });
    const list = open(transport);
    await waitFor(() => expect(rowCount(list)).toBe(100));
    expect(firstQuestion(list)).toBe(`question ${PAIRS - 50}`);
    const top = list.querySelector('li[data-ds-message]');
    const button = within(list).getByRole('button', { name: 'Load earlier messages' });
    expect(button.dataset.part).toBe('load-older');
    expect(list.querySelector('[data-part="older"]')).toBeNull();

    // While the link is down the page cannot arrive, so the loading state holds still to be seen.
    act(() => transport.disconnect());
    fireEvent.click(button);
    const status = await within(list).findByRole('status');
    expect(status.dataset.part).toBe('older');
    // Outside the list: a status is not one of the thread's items.
    expect(status.closest('ol')).toBeNull();
    expect(status.textContent).toBe('Loading earlier messages…');
    expect(within(list).queryByRole('button', { name: 'Load earlier messages' })).toBeNull();
    expect(list.dataset.loadingOlder).toBe('');

    await act(() => transport.reconnect());
    await waitFor(() => expect(rowCount(list)).toBe(200));
    expect(firstQuestion(list)).toBe(`question ${PAIRS - 100}`);
    expect(list.querySelector('[data-part="older"]')).toBeNull();
    // The rows that were there are still there, in order, under the new ones — the same elements.
    expect(list.querySelectorAll('li[data-ds-message]')[100]).toBe(top);
    const questions = [...list.querySelectorAll('[data-ds-user-message] > [data-part="content"]')].map((p) => p.textContent);
    expect(questions).toEqual(Array.from({ length: 100 }, (_, i) => `question ${PAIRS - 100 + i}`));

    fireEvent.click(within(list).getByRole('button', { name: 'Load earlier messages' }));
    await waitFor(() => expect(rowCount(list)).toBe(300));
    expect(firstQuestion(list)).toBe('question 0');
    // Nothing older: no button, no status.
    expect(within(list).queryByRole('button', { name: 'Load earlier messages' })).toBeNull();
    expect(list.querySelector('[data-part="older"], [data-part="paging"]')).toBeNull();
  });

  it('scrolling near the top loads the older page and keeps the distance from the bottom, so what the reader saw stays put', async () => {
    const broker = createBroker();
    seedThread(broker, SESSION, PAIRS);
    const list = open(createMemoryTransport({ broker, clientId: 'alice' }));
    await waitFor(() => expect(rowCount(list)).toBe(100));
    const geometry = fakeGeometry(list);

    // Far from the top: nothing loads.
    geometry.scrollTop = 2000;
    fireEvent.scroll(list);
    expect(list.dataset.loadingOlder).toBeUndefined();

    geometry.scrollTop = 120;
    const fromBottom = list.scrollHeight - geometry.scrollTop;
    fireEvent.scroll(list);
    await waitFor(() => expect(rowCount(list)).toBe(200));
    expect(list.scrollHeight - geometry.scrollTop).toBe(fromBottom);
    expect(geometry.scrollTop).toBe(100 * ROW_PX + 120);
  });
});
