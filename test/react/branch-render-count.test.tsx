import { act, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createBroker } from '../../src/broker/index.js';
import { MessageList } from '../../src/components/index.js';
import type { SessionController } from '../../src/core/index.js';
import { DurableSessionProvider, useDurableSession } from '../../src/react/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { fakeFrames, seedThread, startHandAgent, tickUntil } from './support.js';

// Every MessageList row reads its entry with one useMessage call per render, so counting those calls
// by key counts row renders. The spy passes every call through: behaviour is unchanged.
const renders = vi.hoisted(() => new Map<string, number>());
vi.mock('../../src/react/use-message.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/react/use-message.js')>();
  return {
    ...real,
    useMessage: (params: { key: string }) => {
      renders.set(params.key, (renders.get(params.key) ?? 0) + 1);
      return real.useMessage(params);
    },
  };
});

const SESSION = 'branch-render-count';
const PAIRS = 20;
const EDITED = 10;

describe('render counting while switching branches (fake animation frames)', () => {
  it('re-renders only the rows on the changed part of the path', async () => {
    const broker = createBroker();
    seedThread(broker, SESSION, PAIRS);
    const writer = await startHandAgent(broker, SESSION);
    const frames = fakeFrames();
    const transport = createMemoryTransport({ broker, clientId: 'alice' });
    let ctrl: SessionController | undefined;
    function Grab() {
      ctrl = useDurableSession().controller;
      return null;
    }
    render(
      <DurableSessionProvider sessionId={SESSION} transport={transport} options={{ scheduler: frames.scheduler, historyPageSize: 500, viewStorage: null }}>
        <MessageList />
        <Grab />
      </DurableSessionProvider>,
    );
    const list = screen.getByRole('region', { name: 'Messages' });
    const keys = () => [...list.querySelectorAll<HTMLElement>('li[data-ds-message]')].map((li) => li.dataset.key!);
    await tickUntil(() => keys().length === 2 * PAIRS && broker.channel(SESSION).presence.size === 2, 'hydration and presence', frames);
    const original = keys();
    const c = ctrl!;

    // Seed turns name no parent, so each follows the one before it; an edit of turn 10's message
    // branches there, and the path then ends at the edit's answer.
    const editOf = original[2 * EDITED];
    await act(async () => {
      const r = await c.edit(editOf, 'question 10, edited');
      expect(r.ok).toBe(true);
    });
    const turn = await writer.nextTurn();
    turn.write('edited answer');
    writer.finish(turn);
    await tickUntil(() => keys().length === 2 * EDITED + 2 && list.querySelector('[data-ds-streaming-message]:last-of-type')?.getAttribute('data-status') === 'complete' && list.textContent!.includes('edited answer'), 'the edit answered', frames);
    const edited = keys();
    expect(edited.slice(0, 2 * EDITED)).toEqual(original.slice(0, 2 * EDITED));

    // Back to the original branch with the picker.
    const before = new Map(renders);
    const picker = within(list).getByRole('group', { name: 'Branches' });
    expect(picker.textContent).toBe('‹2 / 2›');
    act(() => within(picker).getByRole('button', { name: 'Previous branch' }).click());
    await tickUntil(() => keys().length === 2 * PAIRS, 'the original branch', frames);
    expect(keys()).toEqual(original);
    const delta = (k: string) => (renders.get(k) ?? 0) - (before.get(k) ?? 0);
    // Turns before the branch point: not one render.
    expect(original.slice(0, 2 * EDITED).filter((k) => delta(k) !== 0)).toEqual([]);
    // The branch point's row shows the other message (in place), and the turns after it are new rows.
    for (const k of original.slice(2 * EDITED)) expect(delta(k)).toBeGreaterThan(0);
    // The edit's rows are gone and were not rendered on the way out.
    for (const k of edited.slice(2 * EDITED)) expect(delta(k)).toBe(0);

    // Another version of one answer: only that answer's row renders.
    const shownAnswer = original[2 * 5 + 1];
    const responseId = list.querySelector<HTMLElement>(`li[data-key="${shownAnswer}"] [data-ds-streaming-message]`)!.dataset.responseId!;
    await act(async () => {
      const r = await c.regenerate(responseId);
      expect(r.ok).toBe(true);
    });
    const again = await writer.nextTurn();
    again.write('another answer');
    writer.finish(again);
    await tickUntil(() => keys()[2 * 5 + 1] !== shownAnswer && list.textContent!.includes('another answer') && !list.querySelector('[data-status="streaming"]'), 'the second version', frames);
    const newAnswer = keys()[2 * 5 + 1];
    const beforeFlip = new Map(renders);
    const row = list.querySelector<HTMLElement>(`li[data-key="${newAnswer}"]`)!;
    const previous = within(row).getByRole('button', { name: 'Previous version' });
    act(() => previous.click());
    await tickUntil(() => keys()[2 * 5 + 1] === shownAnswer, 'the first version again', frames);
    const flipped = (k: string) => (renders.get(k) ?? 0) - (beforeFlip.get(k) ?? 0);
    expect(keys().filter((k) => flipped(k) !== 0)).toEqual([shownAnswer]);
    expect(flipped(shownAnswer)).toBe(1);
    // The same row element, re-rendered in place: focus on its switcher survives.
    expect(list.querySelector(`li[data-key="${shownAnswer}"]`)).toBe(row);

    // The ends of both pickers do nothing: no selectBranch out of range, so no error and no render.
    const atEnd = new Map(renders);
    act(() => within(row).getByRole('button', { name: 'Previous version' }).click());
    act(() => within(list).getByRole('button', { name: 'Previous branch' }).click());
    expect(c.store.getState().errors).toEqual([]);
    expect(keys().filter((k) => renders.get(k) !== atEnd.get(k))).toEqual([]);
  });
});
