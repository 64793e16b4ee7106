import { act, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { describe, expect, it } from 'vitest';
import { createDemoAgent, demoTokens } from '../../src/agent/demo/index.js';
import { createBroker } from '../../src/broker/index.js';
import { microtaskScheduler } from '../../src/core/index.js';
import { DurableSessionProvider, useAgentStream, useDurableSession, usePresence } from '../../src/react/index.js';
import { createMemoryTransport, type MemoryTransport } from '../../src/transports/memory.js';
import { countChannelCalls } from './support.js';

const SESSION = 'strict';

function Chat() {
  const { send, messages } = useDurableSession();
  const { text, status } = useAgentStream();
  const { self } = usePresence();
  return (
    <div>
      <button onClick={() => void send('tell me about durability')}>send</button>
      <p data-testid="count">{messages.length}</p>
      <p data-testid="status">{status}</p>
      <p data-testid="text">{text}</p>
      <p data-testid="tabs">{self.tabs.length}</p>
    </div>
  );
}

async function demoAgent(broker: ReturnType<typeof createBroker>) {
  const agent = createDemoAgent({
    transport: createMemoryTransport({ broker, clientId: 'demo-agent' }),
    sessionId: SESSION,
    tokensPerSecond: 2000,
    thinkMs: 0,
    tokens: 40,
  });
  await agent.start();
  return agent;
}

async function sendAndFinish() {
  await act(async () => screen.getByText('send').click());
  await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('complete'));
}

describe('StrictMode double mount', () => {
  it('keeps one attach, one subscription and one presence member, and never doubles text', async () => {
    const broker = createBroker();
    await demoAgent(broker);
    const transport = createMemoryTransport({ broker, clientId: 'alice' });
    const calls = countChannelCalls(transport.channel(SESSION));
    render(
      <StrictMode>
        <DurableSessionProvider sessionId={SESSION} transport={transport} options={{ scheduler: microtaskScheduler }}>
          <Chat />
        </DurableSessionProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('tabs').textContent).toBe('1'));
    await sendAndFinish();

    const expected = demoTokens('tell me about durability', 40).join(' ');
    expect(screen.getByTestId('text').textContent).toBe(expected);
    expect(screen.getByTestId('count').textContent).toBe('2');
    expect(calls.attach).toBe(1);
    expect(calls.subscribe).toBe(1);
    expect(calls.enter).toBe(1);
    expect(calls.detach).toBe(0);
    expect(calls.leave).toBe(0);
    const alice = broker.channel(SESSION).presence.list().filter((m) => m.clientId === 'alice');
    expect(alice).toHaveLength(1);
    console.info(`[strict-mode] attach ${calls.attach}, subscribe ${calls.subscribe}, presence enter ${calls.enter}, alice members ${alice.length}`);
  });

  it('calls a transport factory once and closes that transport on unmount', async () => {
    const broker = createBroker();
    await demoAgent(broker);
    const made: MemoryTransport[] = [];
    let attaches = 0;
    const factory = () => {
      const t = createMemoryTransport({ broker, clientId: 'alice' });
      const ch = t.channel(SESSION);
      const attach = ch.attach.bind(ch);
      ch.attach = () => {
        attaches++;
        return attach();
      };
      made.push(t);
      return t;
    };
    const view = render(
      <StrictMode>
        <DurableSessionProvider sessionId={SESSION} transport={factory} options={{ scheduler: microtaskScheduler }}>
          <Chat />
        </DurableSessionProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('tabs').textContent).toBe('1'));
    await sendAndFinish();
    expect(screen.getByTestId('text').textContent).toBe(demoTokens('tell me about durability', 40).join(' '));
    expect(made).toHaveLength(1);
    expect(attaches).toBe(1);

    view.unmount();
    await waitFor(() => expect(made[0].status).toBe('closed'));
    expect(broker.channel(SESSION).presence.list().filter((m) => m.clientId === 'alice')).toHaveLength(0);
  });

  it('re-renders of the parent with an inline factory keep the one controller', async () => {
    const broker = createBroker();
    await demoAgent(broker);
    let made = 0;
    function App({ label }: { label: string }) {
      return (
        <DurableSessionProvider
          sessionId={SESSION}
          transport={() => {
            made++;
            return createMemoryTransport({ broker, clientId: 'alice' });
          }}
          options={{ scheduler: microtaskScheduler }}
        >
          <span>{label}</span>
          <Chat />
        </DurableSessionProvider>
      );
    }
    const view = render(
      <StrictMode>
        <App label="one" />
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('tabs').textContent).toBe('1'));
    view.rerender(
      <StrictMode>
        <App label="two" />
      </StrictMode>,
    );
    await sendAndFinish();
    expect(screen.getByText('two')).toBeTruthy();
    expect(made).toBe(1);
    expect(screen.getByTestId('count').textContent).toBe('2');
    expect(broker.channel(SESSION).presence.list().filter((m) => m.clientId === 'alice')).toHaveLength(1);
  });
});
