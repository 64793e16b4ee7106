// Retry, regenerate and versions in React: an agent whose connection dies mid-answer shows
// `interrupted` in the hooks, a standby answers the retry as version 2, and a stop with no agent ends.
import { act, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import './support.js';
import { createAgent, delay, type TurnHandler } from '../../src/agent/index.js';
import { createBroker, type Broker } from '../../src/broker/index.js';
import { microtaskScheduler, type ControlResult } from '../../src/core/index.js';
import { DurableSessionProvider, useAgentStream, useDurableSession, usePresence, useResponseVersions, useStopButton } from '../../src/react/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';

const SESSION = 'retry';

/** An agent that writes `words` one by one, or — once `hold` words are out — waits to be killed. */
async function startAgent(broker: Broker, clientId: string, words: string[], opts: { hold?: number; standby?: boolean } = {}) {
  const transport = createMemoryTransport({ broker, clientId });
  const handler: TurnHandler = async (turn) => {
    for (const [i, w] of words.entries()) {
      if (opts.hold !== undefined && i >= opts.hold) return new Promise<void>(() => {});
      turn.write(w);
      await delay(1, turn.signal);
    }
  };
  const agent = createAgent({ transport, sessionId: SESSION, agentId: 'writer', instanceId: clientId, batch: { intervalMs: 0, maxChars: 1 }, standby: opts.standby, takeover: 'off', handler });
  await agent.start();
  return { agent, transport };
}

const results: ControlResult[] = [];
const stopStates: string[] = [];
const finished: string[] = [];

function Tab() {
  const { send, retry, regenerate, status: chat } = useDurableSession({ onFinish: (r) => finished.push(`${r.text}:${r.status}`) });
  const s = useAgentStream({ responseId: 'latest' });
  const v = useResponseVersions({ responseId: s.responseId });
  const stop = useStopButton({ stoppedMs: 0 });
  const agents = usePresence().agents.length;
  if (stopStates.at(-1) !== stop.state) stopStates.push(stop.state);
  const act = (p: Promise<ControlResult>) => void p.then((r) => results.push(r));
  return (
    <div>
      <button onClick={() => act(send('go'))}>send</button>
      <button onClick={() => act(retry(v.selected!.responseId))}>retry</button>
      <button onClick={() => act(regenerate(v.selected!.responseId))}>regenerate</button>
      <button onClick={() => v.select(0)}>first</button>
      <button data-testid="stop" data-state={stop.state} onClick={() => void stop.stop()}>
        stop
      </button>
      <p data-testid="agents">{agents}</p>
      <p data-testid="chat">{chat}</p>
      <p data-testid="status">{s.status}</p>
      <p data-testid="shown">{`${v.index + 1}/${v.count} ${v.selected?.status ?? '-'} ${v.selected?.text ?? ''}`}</p>
    </div>
  );
}

function renderTab(broker: Broker, clientId = 'alice') {
  return render(
    <DurableSessionProvider sessionId={SESSION} transport={() => createMemoryTransport({ broker, clientId })} options={{ scheduler: microtaskScheduler, agentGoneMs: 20 }}>
      <Tab />
    </DurableSessionProvider>,
  );
}

const shown = () => screen.getByTestId('shown').textContent;
const click = (name: string) => act(async () => screen.getByText(name).click());

describe('retry and versions', () => {
  it('shows interrupted with the text kept when the agent dies; retry answers as version 2; the reader can page back', async () => {
    results.length = 0;
    finished.length = 0;
    const broker = createBroker();
    const first = await startAgent(broker, 'agent-1', ['one ', 'two ', 'three'], { hold: 2 });
    await startAgent(broker, 'agent-2', ['fresh ', 'answer'], { standby: true });
    renderTab(broker);
    await waitFor(() => expect(broker.channel(SESSION).presence.size).toBe(3));
    // A primary and its standby are one agent to the people in the session.
    await waitFor(() => expect(screen.getByTestId('agents').textContent).toBe('1'));
    await click('send');
    await waitFor(() => expect(shown()).toBe('1/1 streaming one two '));
    expect(screen.getByTestId('chat').textContent).toBe('streaming');

    await act(() => first.transport.close());
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('interrupted'));
    expect(shown()).toBe('1/1 interrupted one two ');
    // Nothing runs any more: the composer is free again.
    expect(screen.getByTestId('chat').textContent).toBe('ready');
    // Only this tab's verdict so far (a takeover could still finish it), so not a finish yet.
    expect(finished).toEqual([]);

    await click('retry');
    await waitFor(() => expect(shown()).toBe('2/2 complete fresh answer'));
    expect(results.at(-1)).toMatchObject({ ok: true });
    // The retrying agent ended version 1 for good before answering.
    expect(finished).toEqual(['one two :interrupted', 'fresh answer:complete']);
    // Version 2 completed: retry is refused (regenerate is the way), and nothing throws.
    await click('retry');
    expect(results.at(-1)).toMatchObject({ ok: false, error: { code: 'invalid_state' } });

    await click('first');
    expect(shown()).toBe('1/2 interrupted one two ');
    // A new version, asked from any tab, takes the view back from the one the reader picked.
    await click('regenerate');
    await waitFor(() => expect(shown()).toBe('3/3 complete fresh answer'));
  });

  it('refuses instead of throwing: retry of a complete response, regenerate of a streaming one', async () => {
    results.length = 0;
    const broker = createBroker();
    const agent = await startAgent(broker, 'agent-1', ['a ', 'b ', 'c'], { hold: 1 });
    renderTab(broker);
    await waitFor(() => expect(broker.channel(SESSION).presence.size).toBe(2));
    await click('send');
    await waitFor(() => expect(shown()).toBe('1/1 streaming a '));
    await click('regenerate');
    expect(results.at(-1)).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    await agent.agent.stop();
    await waitFor(() => expect(shown()).toMatch(/^1\/1 error/));
    await click('retry');
    expect(results.at(-1)).toMatchObject({ ok: true });
  });

  it('a stop whose agent is gone ends stopped, not stopping forever', async () => {
    const broker = createBroker();
    const first = await startAgent(broker, 'agent-1', ['one ', 'two'], { hold: 1 });
    stopStates.length = 0;
    renderTab(broker);
    await waitFor(() => expect(broker.channel(SESSION).presence.size).toBe(2));
    await click('send');
    await waitFor(() => expect(shown()).toBe('1/1 streaming one '));
    // The agent dies with the cancel on its way: nobody will acknowledge it.
    await act(() => first.transport.close());
    act(() => screen.getByTestId('stop').click());
    expect(screen.getByTestId('stop').dataset.state).toBe('stopping');
    await waitFor(() => expect(screen.getByTestId('stop').dataset.state).toBe('idle'));
    expect(screen.getByTestId('status').textContent).toBe('interrupted');
    expect(stopStates.slice(stopStates.indexOf('stopping'))).toEqual(['stopping', 'stopped', 'idle']);
  });
});
