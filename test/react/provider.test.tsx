import { act, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createBroker } from '../../src/broker/index.js';
import { build, createSessionController, microtaskScheduler } from '../../src/core/index.js';
import { DurableSessionProvider, useDurableSession, usePresence } from '../../src/react/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { startHandAgent } from './support.js';

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
    first.unmount();
    // Long enough for a deferred teardown to have run, had there been one.
    await act(async () => await new Promise((r) => setTimeout(r, 0)));
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

