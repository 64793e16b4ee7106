import { act, render, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { createBroker, type Broker } from '../../src/broker/index.js';
import { createSessionController, microtaskScheduler, type ConnectionInfo, type DurableSessionError, type ResponseEntry, type SessionController } from '../../src/core/index.js';
import { DurableSessionProvider, useConnectionState, useDurableSession } from '../../src/react/index.js';
import { createMemoryTransport, type MemoryTransport } from '../../src/transports/memory.js';
import { seedThread, startHandAgent } from './support.js';

const SESSION = 'callbacks';

const unused = () => {
  throw new Error('a provider given a controller must not open its own transport');
};

/** A controller the test owns, so it can count what the hooks subscribe to. */
function ownController(broker: Broker): { ctrl: SessionController; transport: MemoryTransport; subscribes: () => number } {
  const transport = createMemoryTransport({ broker, clientId: 'alice' });
  const ctrl = createSessionController({ transport, sessionId: SESSION, scheduler: microtaskScheduler });
  const subscribe = vi.spyOn(ctrl.store, 'subscribe');
  return { ctrl, transport, subscribes: () => subscribe.mock.calls.length };
}

function Session({ ctrl, children }: { ctrl: SessionController; children: ReactNode }) {
  return (
    <DurableSessionProvider sessionId={SESSION} transport={unused} controller={ctrl}>
      {children}
    </DurableSessionProvider>
  );
}

function Errors({ tag, seen }: { tag: string; seen: string[] }) {
  const { send, error, clearError } = useDurableSession({ onError: (e: DurableSessionError) => seen.push(`${tag}:${e.code}`) });
  return (
    <div>
      <button onClick={() => void send(' ')}>send blank</button>
      <button onClick={clearError}>clear</button>
      <p data-testid="error">{error?.code ?? 'none'}</p>
    </div>
  );
}

function Finishes({ tag, seen }: { tag: string; seen: string[] }) {
  const { send, cancel } = useDurableSession({ onFinish: (r: ResponseEntry) => seen.push(`${tag}:${r.status}:${r.text}`) });
  return (
    <div>
      <button onClick={() => void send('go')}>send</button>
      <button onClick={() => void cancel()}>cancel</button>
    </div>
  );
}

function Discontinuities({ tag, seen }: { tag: string; seen: string[] }) {
  const { backfills } = useConnectionState({ onDiscontinuity: (c: ConnectionInfo) => seen.push(`${tag}:${c.backfills}`) });
  return <p data-testid="backfills">{backfills}</p>;
}

describe('useDurableSession({ onError })', () => {
  it('reports every error to the newest inline arrow without resubscribing; clearError() empties `error`', async () => {
    const { ctrl } = ownController(createBroker());
    const onError = vi.spyOn(ctrl, 'onError');
    const seen: string[] = [];
    const view = render(
      <Session ctrl={ctrl}>
        <Errors tag="first" seen={seen} />
      </Session>,
    );
    await act(async () => screen.getByText('send blank').click());
    expect(seen).toEqual(['first:invalid_argument']);
    expect(screen.getByTestId('error').textContent).toBe('invalid_argument');

    view.rerender(
      <Session ctrl={ctrl}>
        <Errors tag="second" seen={seen} />
      </Session>,
    );
    await act(async () => screen.getByText('send blank').click());
    expect(seen).toEqual(['first:invalid_argument', 'second:invalid_argument']);
    expect(onError).toHaveBeenCalledTimes(1);

    act(() => screen.getByText('clear').click());
    expect(screen.getByTestId('error').textContent).toBe('none');
    expect(ctrl.store.getState().errors).toEqual([]);
    view.unmount();
    await ctrl.stop();
  });
});

describe('useDurableSession({ onFinish })', () => {
  it('fires once per response that finishes, never for history, and calls the newest arrow without resubscribing', async () => {
    const broker = createBroker();
    seedThread(broker, SESSION, 2);
    const writer = await startHandAgent(broker, SESSION);
    const { ctrl, subscribes } = ownController(broker);
    const seen: string[] = [];
    const view = render(
      <Session ctrl={ctrl}>
        <Finishes tag="first" seen={seen} />
      </Session>,
    );
    await waitFor(() => expect(ctrl.store.getState().connection.hydrated).toBe(true));
    expect(seen).toEqual([]);

    await act(async () => screen.getByText('send').click());
    const turn = await writer.nextTurn();
    turn.write('done');
    const before = subscribes();
    view.rerender(
      <Session ctrl={ctrl}>
        <Finishes tag="second" seen={seen} />
      </Session>,
    );
    expect(subscribes()).toBe(before);
    writer.finish(turn);
    await waitFor(() => expect(seen).toEqual(['second:complete:done']));

    await act(async () => screen.getByText('send').click());
    const stopped = await writer.nextTurn();
    stopped.write('half');
    await waitFor(() => expect(ctrl.store.getState().live).not.toEqual({}));
    await act(async () => screen.getByText('cancel').click());
    await writer.record(stopped.turnId);
    await waitFor(() => expect(seen).toEqual(['second:complete:done', 'second:cancelled:half']));
    view.unmount();
    await ctrl.stop();
  });
});

describe('useConnectionState({ onDiscontinuity })', () => {
  it('fires when a backfill after a discontinuity completes, calling the newest arrow without resubscribing', async () => {
    const broker = createBroker();
    const { ctrl, transport, subscribes } = ownController(broker);
    const seen: string[] = [];
    const view = render(
      <Session ctrl={ctrl}>
        <Discontinuities tag="first" seen={seen} />
      </Session>,
    );
    await waitFor(() => expect(ctrl.store.getState().connection.hydrated).toBe(true));
    await act(async () => {
      transport.disconnect();
      await transport.reconnect();
    });
    expect(seen).toEqual([]);

    const before = subscribes();
    view.rerender(
      <Session ctrl={ctrl}>
        <Discontinuities tag="second" seen={seen} />
      </Session>,
    );
    expect(subscribes()).toBe(before);
    await act(async () => await transport.forceDiscontinuity());
    await waitFor(() => expect(screen.getByTestId('backfills').textContent).toBe('1'));
    expect(seen).toEqual(['second:1']);
    view.unmount();
    await ctrl.stop();
  });
});
