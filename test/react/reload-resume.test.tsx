import { act, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createBroker } from '../../src/broker/index.js';
import { microtaskScheduler } from '../../src/core/index.js';
import { DurableSessionProvider, useAgentStream, useDurableSession } from '../../src/react/index.js';
import { createMemoryTransport, type MemoryTransport } from '../../src/transports/memory.js';
import { settle } from '../helpers/until.js';
import { startHandAgent } from './support.js';

const SESSION = 'reload';

function Tab() {
  const { send, messages } = useDurableSession();
  const s = useAgentStream();
  return (
    <div>
      <button onClick={() => void send('write me something long')}>send</button>
      <p data-testid="count">{messages.length}</p>
      <p data-testid="status">{s.status}</p>
      <p data-testid="resumed">{String(s.resumed)}</p>
      <p data-testid="text">{s.text}</p>
    </div>
  );
}

const text = () => screen.getByTestId('text').textContent;

function page(broker: ReturnType<typeof createBroker>, opened: MemoryTransport[]) {
  // A factory, as an app would pass: the provider owns the transport and closes it on unmount.
  const factory = () => {
    const t = createMemoryTransport({ broker, clientId: 'alice' });
    opened.push(t);
    return t;
  };
  return (
    <DurableSessionProvider sessionId={SESSION} transport={factory} options={{ scheduler: microtaskScheduler }}>
      <Tab />
    </DurableSessionProvider>
  );
}

describe('reload mid-stream', () => {
  it('continues the response after a remount with no gap and no duplicate, and reports resumed', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION);
    const opened: MemoryTransport[] = [];
    const first = render(page(broker, opened));
    await waitFor(() => expect(broker.channel(SESSION).presence.size).toBe(2));
    await act(async () => screen.getByText('send').click());
    const turn = await writer.nextTurn();
    for (let i = 0; i < 30; i++) turn.write(`w${i} `);
    await waitFor(() => expect(text()).toBe(turn.text));
    expect(screen.getByTestId('resumed').textContent).toBe('false');

    first.unmount();
    await waitFor(() => expect(opened[0].status).toBe('closed'));
    // The agent keeps going while no tab is open.
    for (let i = 30; i < 60; i++) turn.write(`w${i} `);

    render(page(broker, opened));
    await waitFor(() => expect(text()).toBe(turn.text));
    expect(screen.getByTestId('status').textContent).toBe('streaming');
    expect(screen.getByTestId('resumed').textContent).toBe('true');

    for (let i = 60; i < 90; i++) turn.write(`w${i} `);
    writer.finish(turn);
    const record = await writer.record(turn.turnId);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('complete'));
    expect(record.status).toBe('complete');
    expect(text()).toBe(record.text);
    expect(record.text).toBe(Array.from({ length: 90 }, (_, i) => `w${i} `).join(''));
    expect(screen.getByTestId('resumed').textContent).toBe('true');
    expect(screen.getByTestId('count').textContent).toBe('2');
    expect(opened).toHaveLength(2);
  });

  it('loses nothing when tokens keep landing while the new tab attaches and hydrates', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION);
    const opened: MemoryTransport[] = [];
    const first = render(page(broker, opened));
    await act(async () => screen.getByText('send').click());
    const turn = await writer.nextTurn();
    turn.write('start ');
    await waitFor(() => expect(text()).toBe('start '));
    first.unmount();

    render(page(broker, opened));
    // Interleave writes with the attach, the history read and the first live appends.
    for (let i = 0; i < 200; i++) {
      turn.write(`x${i} `);
      if (i % 7 === 0) await act(async () => await Promise.resolve());
      if (i % 23 === 0) await act(() => settle(1));
    }
    writer.finish(turn);
    const record = await writer.record(turn.turnId);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('complete'));
    expect(text()).toBe(record.text);
    expect(screen.getByTestId('count').textContent).toBe('2');
    expect(screen.getByTestId('resumed').textContent).toBe('true');
  });

  it('keeps streaming when a provider on a shared transport is replaced in one commit (a route remount)', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION);
    const shared = createMemoryTransport({ broker, clientId: 'alice' });
    const mount = (key: string) => (
      <DurableSessionProvider key={key} sessionId={SESSION} transport={shared} options={{ scheduler: microtaskScheduler }}>
        <Tab />
      </DurableSessionProvider>
    );
    const view = render(mount('a'));
    await waitFor(() => expect(broker.channel(SESSION).presence.size).toBe(2));
    await act(async () => screen.getByText('send').click());
    const turn = await writer.nextTurn();
    turn.write('before ');
    await waitFor(() => expect(text()).toBe('before '));

    // The old provider's teardown is deferred by a timer: run every timer the remount left before
    // the agent writes again.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      view.rerender(mount('b'));
      await act(async () => await vi.runOnlyPendingTimersAsync());
    } finally {
      vi.useRealTimers();
    }
    await waitFor(() => expect(text()).toBe('before '));
    turn.write('after');
    writer.finish(turn);
    const record = await writer.record(turn.turnId);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('complete'));
    expect(text()).toBe(record.text);
    const alice = () => broker.channel(SESSION).presence.list().filter((m) => m.clientId === 'alice');
    expect(alice()).toHaveLength(1);

    // Coming back after the old provider really closed opens the session afresh on the same transport.
    view.unmount();
    await waitFor(() => expect(alice()).toHaveLength(0));
    render(mount('c'));
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('complete'));
    expect(text()).toBe(record.text);
    await waitFor(() => expect(alice()).toHaveLength(1));
  });

  it('keeps every agent’s text exact through a resumed reconnect and one that must backfill', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION, 'writer');
    const helper = await startHandAgent(broker, SESSION, 'helper');
    const transport = createMemoryTransport({ broker, clientId: 'alice' });
    function Both() {
      const { messages } = useDurableSession();
      return <p data-testid="both">{messages.map((m) => (m.kind === 'response' ? `${m.agentId}=${m.text}` : m.text)).join('|')}</p>;
    }
    render(
      <DurableSessionProvider sessionId={SESSION} transport={transport} options={{ scheduler: microtaskScheduler }}>
        <Tab />
        <Both />
      </DurableSessionProvider>,
    );
    await waitFor(() => expect(broker.channel(SESSION).presence.size).toBe(3));
    await act(async () => screen.getByText('send').click());
    const w = await writer.nextTurn();
    const h = await helper.nextTurn();
    const both = () => screen.getByTestId('both').textContent;
    const expected = () => {
      const order = broker.channel(SESSION).history({ direction: 'forwards', limit: 10 }).items.filter((m) => m.name === 'agent.response');
      return ['write me something long', ...order.map((m) => `${m.headers['ds-agent']}=${m.data as string}`)].join('|');
    };
    w.write('w1 ');
    h.write('h1 ');
    await waitFor(() => expect(both()).toBe(expected()));

    act(() => transport.disconnect());
    for (let i = 2; i < 40; i++) {
      w.write(`w${i} `);
      h.write(`h${i} `);
    }
    await act(async () => await transport.reconnect());
    await waitFor(() => expect(both()).toBe(expected()));

    act(() => transport.disconnect());
    for (let i = 40; i < 80; i++) {
      w.write(`w${i} `);
      h.write(`h${i} `);
    }
    await act(async () => await transport.forceDiscontinuity());
    await act(async () => await transport.reconnect());
    writer.finish(w);
    helper.finish(h);
    const records = [await writer.record(w.turnId), await helper.record(h.turnId)];
    await waitFor(() => expect(both()).toBe(expected()));
    expect(both()).toContain(`writer=${records[0].text}`);
    expect(both()).toContain(`helper=${records[1].text}`);
    expect(records.map((r) => r.status)).toEqual(['complete', 'complete']);
  });
});

