import { act, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createBroker } from '../../src/broker/index.js';
import { build, createSessionController, microtaskScheduler, type SessionController } from '../../src/core/index.js';
import { DurableSessionProvider, useDurableSession, usePresence } from '../../src/react/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { eventNames, startHandAgent } from './support.js';

const SESSION = 'provider';

function Thread() {
  const { messages, send } = useDurableSession();
  const { self } = usePresence();
  return (
    <div>
      <button onClick={() => void send('hello again')}>send</button>
      <p data-testid="thread">{messages.map((m) => m.text).join('|')}</p>
      <p data-testid="tabs">{self.tabs.length}</p>
    </div>
  );
}

describe('DurableSessionProvider with a controller passed in', () => {
  it('starts it, keeps it open across unmount and remount, and leaves stopping to its owner', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION);
    const transport = createMemoryTransport({ broker, clientId: 'alice' });
    const ctrl = createSessionController({ transport, sessionId: SESSION, scheduler: microtaskScheduler });
    const unused = () => {
      throw new Error('a provider given a controller must not open its own transport');
    };
    const mount = () => (
      <DurableSessionProvider sessionId={SESSION} transport={unused} controller={ctrl}>
        <Thread />
      </DurableSessionProvider>
    );
    const first = render(mount());
    await waitFor(() => expect(screen.getByTestId('tabs').textContent).toBe('1'));
    // A deferred teardown, had the unmount scheduled one, would be a timer: run every timer it left.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      first.unmount();
      await act(async () => await vi.runOnlyPendingTimersAsync());
    } finally {
      vi.useRealTimers();
    }
    expect(ctrl.stopped).toBe(false);

    render(mount());
    await act(async () => screen.getByText('send').click());
    const turn = await writer.nextTurn();
    turn.write('still here');
    writer.finish(turn);
    await waitFor(() => expect(screen.getByTestId('thread').textContent).toBe('hello again|still here'));
    expect(broker.channel(SESSION).presence.list().filter((m) => m.clientId === 'alice')).toHaveLength(1);

    await act(async () => await ctrl.stop());
    await waitFor(() => expect(broker.channel(SESSION).presence.list().filter((m) => m.clientId === 'alice')).toHaveLength(0));
  });
});

describe('DurableSessionProvider switching sessions', () => {
  it('opens the new session with its own store and presence, leaving the old one', async () => {
    const broker = createBroker();
    for (const [session, text] of [
      ['room-1', 'in room one'],
      ['room-2', 'in room two'],
    ]) {
      await createMemoryTransport({ broker, clientId: 'bob' }).channel(session).publish(build.userMessage(`turn-${session}`, text));
    }
    const transport = createMemoryTransport({ broker, clientId: 'alice' });
    const at = (session: string) => (
      <DurableSessionProvider sessionId={session} transport={transport} options={{ scheduler: microtaskScheduler }}>
        <Thread />
      </DurableSessionProvider>
    );
    const alice = (session: string) => broker.channel(session).presence.list().filter((m) => m.clientId === 'alice').length;
    const view = render(at('room-1'));
    await waitFor(() => expect(screen.getByTestId('thread').textContent).toBe('in room one'));
    await waitFor(() => expect(alice('room-1')).toBe(1));

    view.rerender(at('room-2'));
    await waitFor(() => expect(screen.getByTestId('thread').textContent).toBe('in room two'));
    await waitFor(() => expect(alice('room-1')).toBe(0));
    await waitFor(() => expect(alice('room-2')).toBe(1));
    expect(screen.getByTestId('tabs').textContent).toBe('1');

    view.rerender(at('room-1'));
    await waitFor(() => expect(screen.getByTestId('thread').textContent).toBe('in room one'));
    await waitFor(() => expect(alice('room-1')).toBe(1));
    await waitFor(() => expect(alice('room-2')).toBe(0));
  });
});

describe('DurableSessionProvider presence props', () => {
  it('publishes a device label and name that become known after mount (as after server rendering)', async () => {
    const broker = createBroker();
    const transport = createMemoryTransport({ broker, clientId: 'alice' });
    const at = (device?: string, name?: string) => (
      <DurableSessionProvider sessionId={SESSION} transport={transport} device={device} name={name} options={{ scheduler: microtaskScheduler }}>
        <Thread />
      </DurableSessionProvider>
    );
    const member = () => broker.channel(SESSION).presence.list().find((m) => m.clientId === 'alice')?.data as { device?: string; name?: string; tabId?: string } | undefined;
    const view = render(at());
    await waitFor(() => expect(member()).toBeDefined());
    const tabId = member()!.tabId;
    expect(member()!.device).toBeUndefined();

    view.rerender(at('Laptop · Firefox', 'Alice'));
    await waitFor(() => expect(member()).toMatchObject({ device: 'Laptop · Firefox', name: 'Alice', tabId }));
    view.rerender(at('Laptop · Firefox'));
    await waitFor(() => expect(member()?.name).toBeUndefined());
    expect(member()).toMatchObject({ device: 'Laptop · Firefox', tabId });
    expect(broker.channel(SESSION).presence.list()).toHaveLength(1);
  });
});


function Sender({ onController }: { onController: (c: SessionController) => void }) {
  const { send, error, messages, controller } = useDurableSession();
  onController(controller);
  return (
    <div>
      <button onClick={() => void send('thirty characters of question')}>send</button>
      <p data-testid="error">{error?.code ?? 'none'}</p>
      <p data-testid="thread">{messages.map((m) => m.text).join('|')}</p>
    </div>
  );
}

describe('DurableSessionProvider options after mount', () => {
  it('pushes a changed maxInputChars into the open session, and an inline trustAgent arrow decides without a push', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION);
    const transport = createMemoryTransport({ broker, clientId: 'alice' });
    let ctrl!: SessionController;
    let setOptions!: ReturnType<typeof vi.spyOn>;
    const onController = (c: SessionController) => {
      if (ctrl === c) return;
      ctrl = c;
      setOptions = vi.spyOn(c, 'setOptions');
    };
    const at = (maxInputChars: number, trusted: string) => (
      <DurableSessionProvider sessionId={SESSION} transport={transport} options={{ scheduler: microtaskScheduler, maxInputChars, trustAgent: (id) => id === trusted }}>
        <Sender onController={onController} />
      </DurableSessionProvider>
    );
    const view = render(at(20, 'nobody'));
    await waitFor(() => expect(ctrl.store.getState().connection.hydrated).toBe(true));
    await act(async () => screen.getByText('send').click());
    expect(screen.getByTestId('error').textContent).toBe('oversize');
    expect(eventNames(broker, SESSION)).not.toContain('user.message');

    view.rerender(at(100, 'nobody'));
    expect(setOptions).toHaveBeenCalledTimes(1);
    expect(setOptions).toHaveBeenLastCalledWith({ maxInputChars: 100 });
    await act(async () => screen.getByText('send').click());
    const untrusted = await writer.nextTurn();
    untrusted.write('forged?');
    writer.finish(untrusted);
    await writer.record(untrusted.turnId);
    await waitFor(() => expect(screen.getByTestId('error').textContent).toBe('unauthorized'));
    expect(screen.getByTestId('thread').textContent).toBe('thirty characters of question');

    // A new arrow trusting the writer: no push needed, the provider asks the newest one.
    view.rerender(at(100, 'writer'));
    expect(setOptions).toHaveBeenCalledTimes(1);
    await act(async () => screen.getByText('send').click());
    const trusted = await writer.nextTurn();
    trusted.write('answer');
    writer.finish(trusted);
    await waitFor(() => expect(screen.getByTestId('thread').textContent).toBe('thirty characters of question|thirty characters of question|answer'));
  });
});
