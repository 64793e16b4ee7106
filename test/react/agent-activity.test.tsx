import { act, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createBroker } from '../../src/broker/index.js';
import { microtaskScheduler } from '../../src/core/index.js';
import { PresenceBar } from '../../src/components/index.js';
import { DurableSessionProvider, useDurableSession, usePresence } from '../../src/react/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { startHandAgent } from './support.js';

function States() {
  const { agents } = usePresence();
  const { send } = useDurableSession();
  return (
    <>
      <button onClick={() => void send('go')}>send</button>
      <p data-testid="states">{agents.map((a) => `${a.agentId}:${a.state}`).join(',')}</p>
      <PresenceBar />
    </>
  );
}

describe('agent activity in presence', () => {
  it('is derived from the thread: thinking before the first token, streaming while writing, idle after', async () => {
    const broker = createBroker();
    const hand = await startHandAgent(broker, 's', 'writer');
    render(
      <DurableSessionProvider sessionId="s" transport={createMemoryTransport({ broker, clientId: 'alice' })} options={{ scheduler: microtaskScheduler }}>
        <States />
      </DurableSessionProvider>,
    );
    const badge = () => document.querySelector('[data-ds-presence-bar] [data-ds-agent-badge]');
    await waitFor(() => expect(screen.getByTestId('states').textContent).toBe('writer:idle'));
    await act(async () => screen.getByText('send').click());
    const turn = await hand.nextTurn();
    await waitFor(() => expect(screen.getByTestId('states').textContent).toBe('writer:thinking'));
    expect(badge()?.getAttribute('data-agent-state')).toBe('thinking');
    turn.write('first');
    await waitFor(() => expect(screen.getByTestId('states').textContent).toBe('writer:streaming'));
    expect(badge()?.getAttribute('data-agent-state')).toBe('streaming');
    hand.finish(turn);
    await hand.record(turn.turnId);
    await waitFor(() => expect(screen.getByTestId('states').textContent).toBe('writer:idle'));
    expect(badge()?.getAttribute('data-agent-state')).toBe('idle');
  });
});
