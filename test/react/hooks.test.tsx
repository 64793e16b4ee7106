import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDemoAgent } from '../../src/agent/demo/index.js';
import { createBroker } from '../../src/broker/index.js';
import { build, DurableSessionError, microtaskScheduler } from '../../src/core/index.js';
import {
  DurableSessionProvider,
  useAgentStream,
  useConnectionState,
  useDurableSession,
  useMessage,
  useMessageIds,
  usePresence,
  useSteer,
  useStopButton,
  useToolCall,
  useApproval,
} from '../../src/react/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { eventNames, startHandAgent } from './support.js';

const SESSION = 'hooks';

describe('hooks outside DurableSessionProvider', () => {
  // React reports the render error to the console as well as throwing it; keep the output readable.
  beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => {}));
  afterEach(() => vi.restoreAllMocks());

  const hooks: [string, () => unknown][] = [
    ['useDurableSession', () => useDurableSession()],
    ['useAgentStream', () => useAgentStream()],
    ['useStopButton', () => useStopButton()],
    ['useSteer', () => useSteer()],
    ['usePresence', () => usePresence()],
    ['useConnectionState', () => useConnectionState()],
    ['useMessageIds', () => useMessageIds()],
    ['useMessage', () => useMessage({ key: 'any' })],
    ['useToolCall', () => useToolCall({ toolCallId: 'any' })],
    ['useApproval', () => useApproval()],
  ];
  it.each(hooks)('%s throws an invalid_state DurableSessionError naming itself and the provider', (name, hook) => {
    let thrown: unknown;
    try {
      renderHook(hook);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DurableSessionError);
    expect((thrown as DurableSessionError).code).toBe('invalid_state');
    const message = (thrown as Error).message;
    expect(message).toContain(name);
    expect(message).toContain('DurableSessionProvider');
  });
});

function Connection({ log }: { log: string[] }) {
  const c = useConnectionState();
  const { messages } = useDurableSession();
  if (log[log.length - 1] !== c.status) log.push(c.status);
  return (
    <div>
      <p data-testid="status">{c.status}</p>
      <p data-testid="resumed-at">{c.lastResumedAt === undefined ? 'never' : 'set'}</p>
      <p data-testid="backfilled">{`${c.backfilled}:${c.backfills}`}</p>
      <p data-testid="hydrated">{String(c.hydrated)}</p>
      <p data-testid="thread">{messages.map((m) => m.text).join('|')}</p>
    </div>
  );
}

describe('useConnectionState', () => {
  it('shows resuming → connected around a reconnect, and backfilled after a discontinuity; neither cancels the stream', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION);
    const transport = createMemoryTransport({ broker, clientId: 'alice' });
    const bob = createMemoryTransport({ broker, clientId: 'bob' });
    const log: string[] = [];
    render(
      <DurableSessionProvider sessionId={SESSION} transport={transport} options={{ scheduler: microtaskScheduler }}>
        <Connection log={log} />
      </DurableSessionProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('hydrated').textContent).toBe('true'));
    expect(screen.getByTestId('status').textContent).toBe('connected');
    expect(screen.getByTestId('resumed-at').textContent).toBe('never');

    await bob.channel(SESSION).publish(build.userMessage('turn-1', 'from bob'));
    const turn = await writer.nextTurn();
    turn.write('one ');
    await waitFor(() => expect(screen.getByTestId('thread').textContent).toBe('from bob|one '));

    act(() => transport.disconnect());
    expect(screen.getByTestId('status').textContent).toBe('disconnected');
    turn.write('two ');
    let back!: Promise<void>;
    act(() => {
      back = transport.reconnect();
    });
    expect(screen.getByTestId('status').textContent).toBe('resuming');
    await act(async () => await back);
    await waitFor(() => expect(screen.getByTestId('thread').textContent).toBe('from bob|one two '));
    expect(screen.getByTestId('status').textContent).toBe('connected');
    expect(screen.getByTestId('resumed-at').textContent).toBe('set');
    expect(screen.getByTestId('backfilled').textContent).toBe('false:0');

    // A reconnect that cannot resume: what happened meanwhile comes from history.
    act(() => transport.disconnect());
    turn.write('three');
    await bob.channel(SESSION).publish(build.userMessage('turn-2', 'bob again'));
    await act(async () => await transport.forceDiscontinuity());
    act(() => {
      back = transport.reconnect();
    });
    expect(screen.getByTestId('status').textContent).toBe('resuming');
    await act(async () => await back);
    await waitFor(() => expect(screen.getByTestId('backfilled').textContent).toBe('true:1'));
    expect(screen.getByTestId('status').textContent).toBe('connected');

    writer.finish(turn);
    const record = await writer.record(turn.turnId);
    expect(record).toMatchObject({ status: 'complete', aborted: false, text: 'one two three' });
    const second = await writer.nextTurn();
    second.write('ok');
    writer.finish(second);
    await waitFor(() => expect(screen.getByTestId('thread').textContent).toBe('from bob|one two three|bob again|ok'));
    expect(eventNames(broker, SESSION)).not.toContain('control.cancel');
    expect(log).toEqual(['connecting', 'connected', 'disconnected', 'resuming', 'connected', 'disconnected', 'resuming', 'connected']);
  });
});

function Steer() {
  const { send } = useDurableSession();
  const { steer, pending, lastAck, canSteer } = useSteer();
  const { stop } = useStopButton();
  const s = useAgentStream();
  return (
    <div>
      <button onClick={() => void send('tell me a long story')}>send</button>
      <button onClick={() => void steer('in French please')}>steer</button>
      <button onClick={() => void stop()}>stop</button>
      <p data-testid="can-steer">{String(canSteer)}</p>
      <p data-testid="pending">{pending.map((p) => p.status).join(',')}</p>
      <p data-testid="ack">{lastAck ? `${lastAck.status}:${lastAck.text}` : 'none'}</p>
      <p data-testid="stream">{s.status}</p>
      <p data-testid="text">{s.text}</p>
    </div>
  );
}

describe('useSteer', () => {
  it('shows the steer pending, then applied by the demo agent', async () => {
    const broker = createBroker();
    const agent = createDemoAgent({
      transport: createMemoryTransport({ broker, clientId: 'demo-agent' }),
      sessionId: SESSION,
      thinkMs: 0,
      tokensPerSecond: 1000,
      // Far more words than the test lets it write: the turn is still running whenever the steer lands.
      tokens: 1_000_000,
    });
    await agent.start();
    render(
      <DurableSessionProvider sessionId={SESSION} transport={createMemoryTransport({ broker, clientId: 'alice' })} options={{ scheduler: microtaskScheduler }}>
        <Steer />
      </DurableSessionProvider>,
    );
    expect(screen.getByTestId('can-steer').textContent).toBe('false');
    await act(async () => screen.getByText('send').click());
    await waitFor(() => expect(screen.getByTestId('text').textContent).not.toBe(''));
    expect(screen.getByTestId('can-steer').textContent).toBe('true');

    act(() => screen.getByText('steer').click());
    expect(screen.getByTestId('pending').textContent).toBe('sending');
    expect(screen.getByTestId('ack').textContent).toBe('none');
    await waitFor(() => expect(screen.getByTestId('ack').textContent).toBe('applied:in French please'));
    expect(screen.getByTestId('pending').textContent).toBe('');
    // The demo agent acknowledges the steer in the text, then carries on in French.
    await waitFor(() => expect(screen.getByTestId('text').textContent).toMatch(/ — and, as you asked, in French: (\S+ ){10}/));
    expect(screen.getByTestId('text').textContent!.split('in French: ')[1]).toMatch(/\b(la|le|un|de)\b/i);

    await act(async () => screen.getByText('stop').click());
    await waitFor(() => expect(screen.getByTestId('stream').textContent).toBe('cancelled'));
    await agent.idle();
  });
});

function ChatStatus({ log }: { log: string[] }) {
  const { status, send, error, messages } = useDurableSession();
  if (log[log.length - 1] !== status) log.push(status);
  return (
    <div>
      <button onClick={() => void send('hello')}>send</button>
      <button onClick={() => void send('x'.repeat(20_000))}>too long</button>
      <p data-testid="error">{error ? `${error.code}` : 'none'}</p>
      <p data-testid="count">{messages.length}</p>
    </div>
  );
}

describe('useDurableSession', () => {
  it('moves ready → submitted → streaming → ready like useChat, and reports a refused send as an error', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION);
    const log: string[] = [];
    render(
      <DurableSessionProvider sessionId={SESSION} transport={createMemoryTransport({ broker, clientId: 'alice' })} options={{ scheduler: microtaskScheduler }}>
        <ChatStatus log={log} />
      </DurableSessionProvider>,
    );
    act(() => screen.getByText('send').click());
    expect(log).toEqual(['ready', 'submitted']);
    const turn = await writer.nextTurn();
    await waitFor(() => expect(log[log.length - 1]).toBe('streaming'));
    turn.write('hi');
    writer.finish(turn);
    await waitFor(() => expect(log[log.length - 1]).toBe('ready'));
    expect(log).toEqual(['ready', 'submitted', 'streaming', 'ready']);
    expect(screen.getByTestId('error').textContent).toBe('none');

    await act(async () => screen.getByText('too long').click());
    expect(screen.getByTestId('error').textContent).toBe('oversize');
    expect(screen.getByTestId('count').textContent).toBe('2');
    expect(eventNames(broker, SESSION).filter((n) => n === 'user.message')).toHaveLength(1);
  });
});

