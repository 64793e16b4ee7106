import { act, render, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { createDemoAgent, demoTokens } from '../../src/agent/demo/index.js';
import { createBroker, type Broker } from '../../src/broker/index.js';
import { microtaskScheduler } from '../../src/core/index.js';
import { DurableSessionProvider, useAgentStream, useDurableSession, usePresence } from '../../src/react/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';

const SESSION = 'two-tabs';

function Tab({ ask }: { ask: string }) {
  const { send, messages } = useDurableSession();
  const latest = useAgentStream();
  const { self, others, agents } = usePresence();
  return (
    <div>
      <button onClick={() => void send(ask)}>send</button>
      <p data-testid="thread">{messages.map((m) => `${m.kind}:${m.text}`).join('|')}</p>
      <p data-testid="latest">{latest.status}</p>
      <p data-testid="self-tabs">{self.tabs.length}</p>
      <p data-testid="self-devices">{[...self.devices].sort().join(',')}</p>
      <p data-testid="others">{others.map((o) => `${o.clientId}×${o.tabs.length}`).join(',')}</p>
      <p data-testid="agents">{agents.map((a) => a.agentId).join(',')}</p>
    </div>
  );
}

function tab(broker: Broker, clientId: string, device: string) {
  return (
    <DurableSessionProvider
      sessionId={SESSION}
      transport={createMemoryTransport({ broker, clientId })}
      device={device}
      name={clientId}
      options={{ scheduler: microtaskScheduler }}
    >
      <Tab ask={`from the ${device}`} />
    </DurableSessionProvider>
  );
}

function App({ broker, showPhone }: { broker: Broker; showPhone: boolean }) {
  const [tabs] = useState(() => ({
    laptop: tab(broker, 'alice', 'Laptop'),
    phone: tab(broker, 'alice', 'Phone'),
    bob: tab(broker, 'bob', 'Desktop'),
  }));
  return (
    <>
      <section data-testid="laptop">{tabs.laptop}</section>
      {showPhone && <section data-testid="phone">{tabs.phone}</section>}
      <section data-testid="bob">{tabs.bob}</section>
    </>
  );
}

describe('two tabs of one user, and another user, on one session', () => {
  it('see the same messages and each other in presence', async () => {
    const broker = createBroker();
    const agent = createDemoAgent({
      transport: createMemoryTransport({ broker, clientId: 'demo-agent' }),
      sessionId: SESSION,
      tokensPerSecond: 2000,
      thinkMs: 0,
      tokens: 30,
    });
    await agent.start();
    const view = render(<App broker={broker} showPhone />);
    const laptop = within(screen.getByTestId('laptop'));
    const phone = within(screen.getByTestId('phone'));
    const bob = within(screen.getByTestId('bob'));

    await waitFor(() => expect(broker.channel(SESSION).presence.size).toBe(4));
    for (const t of [laptop, phone]) {
      await waitFor(() => expect(t.getByTestId('self-tabs').textContent).toBe('2'));
      expect(t.getByTestId('self-devices').textContent).toBe('Laptop,Phone');
      expect(t.getByTestId('others').textContent).toBe('bob×1');
      expect(t.getByTestId('agents').textContent).toBe('demo');
    }
    await waitFor(() => expect(bob.getByTestId('others').textContent).toBe('alice×2'));
    expect(bob.getByTestId('self-tabs').textContent).toBe('1');
    expect(bob.getByTestId('agents').textContent).toBe('demo');

    // A run started on the laptop, then one from the phone: every tab follows both.
    const answer0 = demoTokens('from the Laptop', 30).join(' ');
    await act(async () => laptop.getByText('send').click());
    await waitFor(() => expect(bob.getByTestId('thread').textContent).toBe(`user:from the Laptop|response:${answer0}`));
    await act(async () => phone.getByText('send').click());
    const answer1 = demoTokens('from the Phone', 30).join(' ');
    expect(answer1).not.toBe(answer0);
    const full = `user:from the Laptop|response:${answer0}|user:from the Phone|response:${answer1}`;
    for (const t of [laptop, phone, bob]) {
      await waitFor(() => expect(t.getByTestId('thread').textContent).toBe(full));
      await waitFor(() => expect(t.getByTestId('latest').textContent).toBe('complete'));
    }

    // Closing the phone tab leaves one tab for alice everywhere.
    view.rerender(<App broker={broker} showPhone={false} />);
    await waitFor(() => expect(laptop.getByTestId('self-tabs').textContent).toBe('1'));
    expect(laptop.getByTestId('self-devices').textContent).toBe('Laptop');
    await waitFor(() => expect(bob.getByTestId('others').textContent).toBe('alice×1'));
  });
});
