// The components' half of retry: an answer whose agent died shows "The assistant stopped
// responding" with its text, Retry brings version 2 into the same row, and "‹ 1 / 2 ›" pages back.
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createAgent, delay } from '../../src/agent/index.js';
import { createBroker, type Broker } from '../../src/broker/index.js';
import { microtaskScheduler, type SessionController } from '../../src/core/index.js';
import { MessageList, StreamingMessage } from '../../src/components/index.js';
import { DurableSessionProvider } from '../../src/react/index.js';
import { useSessionController } from '../../src/react/session-context.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import './support.js';

const SESSION = 'retry-ui';

/** Writes `words`; the first instance stops after two and waits to be killed. */
async function agent(broker: Broker, instance: string, words: string[], hold?: number) {
  const transport = createMemoryTransport({ broker, clientId: instance });
  const a = createAgent({
    transport,
    sessionId: SESSION,
    agentId: 'writer',
    instanceId: instance,
    standby: hold === undefined,
    takeover: 'off',
    batch: { intervalMs: 0, maxChars: 1 },
    handler: async (turn) => {
      for (const [i, w] of words.entries()) {
        if (hold !== undefined && i >= hold) return new Promise<void>(() => {});
        turn.write(w);
        await delay(1, turn.signal);
      }
    },
  });
  await a.start();
  return transport;
}

let ctrl: SessionController | undefined;
function Grab() {
  ctrl = useSessionController('Grab');
  return null;
}

describe('StreamingMessage and MessageList: interrupted, retry, versions', () => {
  it('shows the interruption with the text kept, retries into one row, and pages between versions', async () => {
    const broker = createBroker();
    const first = await agent(broker, 'agent-1', ['one ', 'two ', 'three'], 2);
    await agent(broker, 'agent-2', ['fresh ', 'answer']);
    render(
      <DurableSessionProvider sessionId={SESSION} transport={() => createMemoryTransport({ broker, clientId: 'alice' })} options={{ scheduler: microtaskScheduler, agentGoneMs: 20 }}>
        <Grab />
        <MessageList />
        <StreamingMessage data-testid="latest" labels={{ regenerate: 'Another answer' }} />
      </DurableSessionProvider>,
    );
    await waitFor(() => expect(broker.channel(SESSION).presence.size).toBe(3));
    await act(async () => void (await ctrl!.send('go')));
    const list = screen.getByRole('region', { name: 'Messages' });
    const answer = () => list.querySelector<HTMLElement>('[data-ds-streaming-message]')!;
    await waitFor(() => expect(answer().textContent).toContain('one two'));

    await act(() => first.close());
    await waitFor(() => expect(answer().dataset.status).toBe('interrupted'));
    expect(screen.getByTestId('latest').dataset.status).toBe('interrupted');
    expect(within(answer()).getByText('The assistant stopped responding')).toBeTruthy();
    expect(answer().querySelector('[data-part="content"]')!.textContent).toBe('one two ');

    await act(async () => within(answer()).getByRole('button', { name: 'Retry' }).click());
    await waitFor(() => expect(answer().dataset.status).toBe('complete'));
    // One row for the agent's answer to the turn, showing the newest version.
    expect(list.querySelectorAll('[data-ds-streaming-message]')).toHaveLength(1);
    expect(answer().querySelector('[data-part="content"]')!.textContent).toBe('fresh answer');
    expect(within(answer()).getByRole('group', { name: 'Versions' }).textContent).toContain('2 / 2');
    expect(within(answer()).queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(within(screen.getByTestId('latest')).getByRole('button', { name: 'Another answer' })).toBeTruthy();

    const previous = within(answer()).getByRole('button', { name: 'Previous version' });
    await act(async () => previous.click());
    expect(answer().dataset.status).toBe('interrupted');
    expect(answer().querySelector('[data-part="content"]')!.textContent).toBe('one two ');
    // Only the newest version can be asked again. The pick is the tab's: every view of the answer shows it.
    expect(within(answer()).queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(within(answer()).getByRole('button', { name: 'Previous version' }).getAttribute('aria-disabled')).toBe('true');
    expect(screen.getByTestId('latest').dataset.status).toBe('interrupted');
    expect(ctrl!.store.getState().view.branches).not.toEqual({});
  });
});
