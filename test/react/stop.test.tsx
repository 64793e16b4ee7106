import { act, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '../../src/broker/index.js';
import { microtaskScheduler, type SessionController } from '../../src/core/index.js';
import { DurableSessionProvider, useAgentStream, useDurableSession, useStopButton } from '../../src/react/index.js';
import { useSessionController } from '../../src/react/session-context.js';
import { createMemoryTransport, type MemoryTransport } from '../../src/transports/memory.js';
import { eventNames, sawMarker, startHandAgent } from './support.js';

const SESSION = 'stop';

function Tab({ states, onController }: { states?: string[]; onController?: (c: SessionController) => void }) {
  const ctrl = useSessionController('Tab');
  onController?.(ctrl);
  const { send } = useDurableSession();
  const s = useAgentStream();
  const stop = useStopButton({ stoppedMs: 0 });
  if (states && states[states.length - 1] !== stop.state) states.push(stop.state);
  return (
    <div>
      <button onClick={() => void send('go')}>send</button>
      <button data-testid="stop" data-state={stop.state} disabled={!stop.canStop} onClick={() => void stop.stop()}>
        stop
      </button>
      <p data-testid="status">{s.status}</p>
      <p data-testid="text">{s.text}</p>
    </div>
  );
}

function tab(broker: Broker, clientId: string, props: Parameters<typeof Tab>[0] = {}, opened?: MemoryTransport[]) {
  const transport = () => {
    const t = createMemoryTransport({ broker, clientId });
    opened?.push(t);
    return t;
  };
  return (
    <DurableSessionProvider sessionId={SESSION} transport={transport} options={{ scheduler: microtaskScheduler }}>
      <Tab {...props} />
    </DurableSessionProvider>
  );
}

const aborted = (signal: AbortSignal) =>
  signal.aborted ? Promise.resolve() : new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));

describe('stop', () => {
  it('stops a turn before its first token: cancelled, no late text, idle → stopping → stopped → idle', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION);
    const states: string[] = [];
    let ctrl: SessionController | undefined;
    render(tab(broker, 'alice', { states, onController: (c) => (ctrl = c) }));
    await waitFor(() => expect(broker.channel(SESSION).presence.size).toBe(2));
    expect((screen.getByTestId('stop') as HTMLButtonElement).disabled).toBe(true);

    await act(async () => screen.getByText('send').click());
    // The handler is waiting before its first write; the response exists, empty.
    const turn = await writer.nextTurn();
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('streaming'));
    expect(screen.getByTestId('text').textContent).toBe('');
    expect((screen.getByTestId('stop') as HTMLButtonElement).disabled).toBe(false);

    // A synchronous act renders what the click did before the cancel's round trip can run.
    act(() => screen.getByTestId('stop').click());
    expect(screen.getByTestId('stop').dataset.state).toBe('stopping');
    expect((screen.getByTestId('stop') as HTMLButtonElement).disabled).toBe(true);
    await aborted(turn.signal);
    const record = await writer.record(turn.turnId);
    expect(record).toMatchObject({ status: 'cancelled', aborted: true, text: '' });

    // The handler wakes up late and tries to write: nothing may reach the session.
    turn.write('abandoned reply');
    writer.finish(turn);
    const marker = await writer.barrier();
    await waitFor(() => expect(sawMarker(ctrl!, 'writer', marker)).toBe(true));
    expect(screen.getByTestId('status').textContent).toBe('cancelled');
    expect(screen.getByTestId('text').textContent).toBe('');
    const response = broker.channel(SESSION).history({ limit: 10 }).items.find((m) => m.name === 'agent.response');
    expect(response?.data).toBe('');
    expect(response?.headers['ds-status']).toBe('cancelled');

    await waitFor(() => expect(screen.getByTestId('stop').dataset.state).toBe('idle'));
    expect(states).toEqual(['idle', 'stopping', 'stopped', 'idle']);
  });

  it('stops a turn still pending (pressed in the same tick as send), before the agent has begun', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION);
    const states: string[] = [];
    render(tab(broker, 'alice', { states }));
    await waitFor(() => expect(broker.channel(SESSION).presence.size).toBe(2));

    // Two synchronous acts with no await between: the agent has not even received the message.
    act(() => screen.getByText('send').click());
    expect(screen.getByTestId('status').textContent).toBe('idle');
    expect((screen.getByTestId('stop') as HTMLButtonElement).disabled).toBe(false);
    act(() => screen.getByTestId('stop').click());
    expect(screen.getByTestId('stop').dataset.state).toBe('stopping');
    expect(writer.agent.running).toBe(0);

    const turn = await writer.nextTurn();
    await aborted(turn.signal);
    turn.write('too late');
    const record = await writer.record(turn.turnId);
    expect(record).toMatchObject({ status: 'cancelled', text: '' });
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('cancelled'));
    expect(screen.getByTestId('text').textContent).toBe('');
    await waitFor(() => expect(screen.getByTestId('stop').dataset.state).toBe('idle'));
    expect(states).toEqual(['idle', 'stopping', 'stopped', 'idle']);
  });

  it('stops mid-stream: the agent’s signal fires and every tab shows the response cancelled', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION);
    render(
      <>
        <section data-testid="a">{tab(broker, 'alice')}</section>
        <section data-testid="b">{tab(broker, 'bob')}</section>
      </>,
    );
    const a = within(screen.getByTestId('a'));
    const b = within(screen.getByTestId('b'));
    await waitFor(() => expect(broker.channel(SESSION).presence.size).toBe(3));
    await act(async () => a.getByText('send').click());
    const turn = await writer.nextTurn();
    for (let i = 0; i < 25; i++) turn.write(`t${i} `);
    await waitFor(() => expect(b.getByTestId('text').textContent).toBe(turn.text));
    await waitFor(() => expect(a.getByTestId('text').textContent).toBe(turn.text));

    await act(async () => a.getByTestId('stop').click());
    await aborted(turn.signal);
    const record = await writer.record(turn.turnId);
    expect(record.status).toBe('cancelled');
    for (const t of [a, b]) {
      await waitFor(() => expect(t.getByTestId('status').textContent).toBe('cancelled'));
      expect(t.getByTestId('text').textContent).toBe(record.text);
      expect((t.getByTestId('stop') as HTMLButtonElement).disabled).toBe(true);
    }
    expect(eventNames(broker, SESSION).filter((n) => n === 'control.cancel')).toHaveLength(1);
  });

  it('stops a stream picked up after a reload', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION);
    const first = render(tab(broker, 'alice'));
    await act(async () => screen.getByText('send').click());
    const turn = await writer.nextTurn();
    turn.write('before reload ');
    await waitFor(() => expect(screen.getByTestId('text').textContent).toBe('before reload '));
    first.unmount();

    render(tab(broker, 'alice'));
    await waitFor(() => expect(screen.getByTestId('text').textContent).toBe('before reload '));
    turn.write('after');
    await waitFor(() => expect(screen.getByTestId('text').textContent).toBe('before reload after'));
    await act(async () => screen.getByTestId('stop').click());
    await aborted(turn.signal);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('cancelled'));
    expect((await writer.record(turn.turnId)).text).toBe('before reload after');
  });

  it('a stop pressed while offline stays stopping and lands when the connection is back', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION);
    const transport = createMemoryTransport({ broker, clientId: 'alice' });
    render(
      <DurableSessionProvider sessionId={SESSION} transport={transport} options={{ scheduler: microtaskScheduler }}>
        <Tab />
      </DurableSessionProvider>,
    );
    await act(async () => screen.getByText('send').click());
    const turn = await writer.nextTurn();
    turn.write('streaming ');
    await waitFor(() => expect(screen.getByTestId('text').textContent).toBe('streaming '));

    act(() => transport.disconnect());
    await act(async () => {
      screen.getByTestId('stop').click();
    });
    expect(screen.getByTestId('stop').dataset.state).toBe('stopping');
    expect(turn.signal.aborted).toBe(false);
    expect(eventNames(broker, SESSION)).not.toContain('control.cancel');
    turn.write('while offline');

    await act(async () => await transport.reconnect());
    await aborted(turn.signal);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('cancelled'));
    expect(screen.getByTestId('text').textContent).toBe((await writer.record(turn.turnId)).text);
    expect(screen.getByTestId('text').textContent).toBe('streaming while offline');
    await waitFor(() => expect(screen.getByTestId('stop').dataset.state).toBe('idle'));
  });

  it('unmounting mid-stream does not cancel: the agent completes and no cancel is published', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION);
    const opened: MemoryTransport[] = [];
    const view = render(tab(broker, 'alice', {}, opened));
    await act(async () => screen.getByText('send').click());
    const turn = await writer.nextTurn();
    turn.write('half ');
    await waitFor(() => expect(screen.getByTestId('text').textContent).toBe('half '));

    view.unmount();
    await waitFor(() => expect(opened[0].status).toBe('closed'));
    expect(broker.channel(SESSION).presence.list().map((m) => m.clientId)).toEqual(['writer']);
    turn.write('and the rest');
    writer.finish(turn);
    const record = await writer.record(turn.turnId);

    expect(record).toMatchObject({ status: 'complete', aborted: false, text: 'half and the rest' });
    expect(turn.signal.aborted).toBe(false);
    expect(eventNames(broker, SESSION)).not.toContain('control.cancel');
  });

  it('stops one of two agents answering a turn without touching the other’s button or stream', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION, 'writer');
    const critic = await startHandAgent(broker, SESSION, 'critic');
    function AgentStop({ agentId }: { agentId: string }) {
      const stop = useStopButton({ target: { kind: 'agent', agentId }, stoppedMs: 0 });
      return (
        <button data-testid={`stop-${agentId}`} data-state={stop.state} disabled={!stop.canStop} onClick={() => void stop.stop()}>
          stop {agentId}
        </button>
      );
    }
    function Texts() {
      const { messages } = useDurableSession();
      return <p data-testid="texts">{messages.map((m) => (m.kind === 'response' ? `${m.agentId}:${m.status}:${m.text}` : m.text)).join('|')}</p>;
    }
    render(
      <DurableSessionProvider sessionId={SESSION} transport={createMemoryTransport({ broker, clientId: 'alice' })} options={{ scheduler: microtaskScheduler }}>
        <Tab />
        <AgentStop agentId="writer" />
        <AgentStop agentId="critic" />
        <Texts />
      </DurableSessionProvider>,
    );
    await waitFor(() => expect(broker.channel(SESSION).presence.size).toBe(3));
    await act(async () => screen.getByText('send').click());
    const w = await writer.nextTurn();
    const c = await critic.nextTurn();
    w.write('draft ');
    c.write('hmm ');
    const stopWriter = () => screen.getByTestId('stop-writer') as HTMLButtonElement;
    const stopCritic = () => screen.getByTestId('stop-critic') as HTMLButtonElement;
    await waitFor(() => expect(stopWriter().disabled).toBe(false));
    await waitFor(() => expect(stopCritic().disabled).toBe(false));

    act(() => stopWriter().click());
    expect(stopWriter().dataset.state).toBe('stopping');
    expect(stopCritic().dataset.state).toBe('idle');
    expect(stopCritic().disabled).toBe(false);
    await aborted(w.signal);
    expect(c.signal.aborted).toBe(false);
    await waitFor(() => expect(screen.getByTestId('texts').textContent).toContain('writer:cancelled:draft '));
    // The writer's button settles while the critic is still streaming.
    await waitFor(() => expect(stopWriter().dataset.state).toBe('idle'));
    expect(stopWriter().disabled).toBe(true);
    expect(stopCritic().dataset.state).toBe('idle');
    expect(stopCritic().disabled).toBe(false);

    c.write('fine.');
    critic.finish(c);
    await waitFor(() => expect(screen.getByTestId('texts').textContent).toContain('critic:complete:hmm fine.'));
    expect(stopCritic().dataset.state).toBe('idle');
    expect(stopCritic().disabled).toBe(true);

    // That cancel was for the writer's turn then, not for its answers to come.
    await act(async () => screen.getByText('send').click());
    const w2 = await writer.nextTurn();
    const c2 = await critic.nextTurn();
    w2.write('second draft');
    await waitFor(() => expect(screen.getByTestId('texts').textContent).toContain('writer:streaming:second draft'));
    for (const id of ['stop', 'stop-writer', 'stop-critic']) {
      expect(screen.getByTestId(id).dataset.state).toBe('idle');
      expect((screen.getByTestId(id) as HTMLButtonElement).disabled).toBe(false);
    }
    writer.finish(w2);
    critic.finish(c2);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('complete'));
    expect(w2.signal.aborted).toBe(false);
  });
});
