import { act, render, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { createAgent, type Turn } from '../../src/agent/index.js';
import { createBroker, type Broker } from '../../src/broker/index.js';
import { microtaskScheduler, type Attachment, type ControlResult } from '../../src/core/index.js';
import { DurableSessionProvider, useAgentStream, useApproval, useDurableSession, useToolCall } from '../../src/react/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { until } from '../helpers/until.js';

const SESSION = 'tools';

/** A real agent that asks before sending an email and answers with the outcome, reason included. */
async function mailer(broker: Broker) {
  const inputs: Turn['input'][] = [];
  const agent = createAgent({
    transport: createMemoryTransport({ broker, clientId: 'agent-mailer' }),
    sessionId: SESSION,
    agentId: 'mailer',
    batch: { intervalMs: 1, maxChars: 1 },
    handler: async (turn) => {
      inputs.push(turn.input);
      if (!turn.input.text.includes('email')) return void turn.write('ok');
      const call = turn.toolCall({ toolName: 'send_email', toolCallId: `mail-${inputs.length}`, needsApproval: true });
      call.inputDelta('{"to":"ann@');
      call.inputDelta('example.com"}');
      const d = await call.approval();
      if (d.approved) {
        call.output({ sent: true });
        turn.write('Sent.');
      } else turn.write(`Not sent: ${d.reason ?? 'denied'}.`);
    },
  });
  await agent.start();
  return { agent, inputs };
}

const tab = (broker: Broker, clientId: string, latencyMs = 0) => {
  const transport = createMemoryTransport({ broker, clientId, latencyMs });
  return ({ children }: { children: ReactNode }) => (
    <DurableSessionProvider sessionId={SESSION} transport={transport} options={{ scheduler: microtaskScheduler }}>
      {children}
    </DurableSessionProvider>
  );
};

function useTab(toolCallId: string) {
  return { call: useToolCall({ toolCallId }), approvals: useApproval(), chat: useDurableSession(), stream: useAgentStream() };
}

describe('useToolCall and useApproval', () => {
  it('a call waiting in two tabs: bob approves, his decision is "sending" then settles, and both tabs show who approved', async () => {
    const broker = createBroker();
    const { agent } = await mailer(broker);
    const alice = renderHook(() => useTab('mail-1'), { wrapper: tab(broker, 'alice') });
    // Bob's connection is slow, so his decision is visibly on its way before the channel takes it.
    const bob = renderHook(() => useTab('mail-1'), { wrapper: tab(broker, 'bob', 30) });
    await waitFor(() => expect(alice.result.current.chat.connection.hydrated && bob.result.current.chat.connection.hydrated).toBe(true));
    await act(async () => void (await alice.result.current.chat.send('email Ann please')));

    await waitFor(() => expect(bob.result.current.call.toolCall?.state).toBe('awaiting-approval'));
    for (const t of [alice, bob]) {
      await waitFor(() => expect(t.result.current.approvals.pending.map((p) => p.part.toolCallId)).toEqual(['mail-1']));
      expect(t.result.current.call.toolCall).toMatchObject({ toolName: 'send_email', inputText: '{"to":"ann@example.com"}', input: { to: 'ann@example.com' }, needsApproval: true });
      expect(t.result.current.call.response).toMatchObject({ agentId: 'mailer', status: 'streaming' });
      expect(t.result.current.call.decision).toBeUndefined();
    }
    expect(bob.result.current.stream.parts.map((p) => p.type)).toEqual(['tool-call']);

    let sent!: Promise<ControlResult>;
    act(() => {
      sent = bob.result.current.call.approve();
    });
    expect(bob.result.current.call.decision).toMatchObject({ approved: true, status: 'sending' });
    expect((await sent).ok).toBe(true);

    for (const t of [alice, bob]) {
      await waitFor(() => expect(t.result.current.call.toolCall?.state).toBe('output-available'));
      expect(t.result.current.call.toolCall?.approval).toEqual({ approved: true, by: 'bob' });
      expect(t.result.current.call.decision).toBeUndefined();
      expect(t.result.current.approvals.pending).toEqual([]);
      await waitFor(() => expect(t.result.current.stream).toMatchObject({ status: 'complete', text: 'Sent.' }));
    }
    // Already decided: refused before anything is published.
    const again = await alice.result.current.approvals.deny('mail-1');
    expect(again.ok === false && again.error.code).toBe('invalid_state');
    await agent.stop();
  });

  it('a denial with a reason reaches the agent, which answers with it; unknown calls are refused', async () => {
    const broker = createBroker();
    const { agent } = await mailer(broker);
    const alice = renderHook(() => useTab('mail-1'), { wrapper: tab(broker, 'alice') });
    await waitFor(() => expect(alice.result.current.chat.connection.hydrated).toBe(true));
    await act(async () => void (await alice.result.current.chat.send('email Ann')));
    await waitFor(() => expect(alice.result.current.approvals.pending).toHaveLength(1));
    const pendingBefore = alice.result.current.approvals.pending;

    const unknown = await alice.result.current.approvals.approve('no-such-call');
    expect(unknown.ok === false && unknown.error.code).toBe('unknown_target');
    // A refused decision changes nothing, so the pending list keeps its identity.
    expect(alice.result.current.approvals.pending).toBe(pendingBefore);

    await act(async () => void (await alice.result.current.approvals.deny('mail-1', { reason: 'wrong address' })));
    await waitFor(() => expect(alice.result.current.stream).toMatchObject({ status: 'complete', text: 'Not sent: wrong address.' }));
    expect(alice.result.current.call.toolCall).toMatchObject({ state: 'denied', approval: { approved: false, by: 'alice', reason: 'wrong address' } });
    await agent.stop();
  });

  it('a hook given a call that is not there yet finds it when it streams in, and a finished call found from history', async () => {
    const broker = createBroker();
    const { agent } = await mailer(broker);
    const Wrapper = tab(broker, 'alice');
    const seen: (string | undefined)[] = [];
    function Call() {
      const { toolCall } = useToolCall({ toolCallId: 'mail-1' });
      if (seen.length === 0 || seen[seen.length - 1] !== toolCall?.state) seen.push(toolCall?.state);
      return null;
    }
    const first = renderHook(() => useDurableSession(), { wrapper: Wrapper });
    render(
      <Wrapper>
        <Call />
      </Wrapper>,
    );
    await waitFor(() => expect(first.result.current.connection.hydrated).toBe(true));
    await act(async () => void (await first.result.current.send('email Ann')));
    await until(() => seen.includes('awaiting-approval'), 'the call to stream in');
    await act(async () => void (await first.result.current.controller.approve('mail-1')));
    await until(() => seen.includes('output-available'), 'the call to finish');
    expect(seen[0]).toBeUndefined();

    // A tab opened afterwards reads the finished call from history.
    const late = renderHook(() => useToolCall({ toolCallId: 'mail-1' }), { wrapper: tab(broker, 'carol') });
    await waitFor(() => expect(late.result.current.toolCall?.state).toBe('output-available'));
    expect(late.result.current.response?.status).toBe('complete');
    await agent.stop();
  });

  it('send(text, { attachments, metadata }) shows the files on the user message and hands them to the agent', async () => {
    const broker = createBroker();
    const { agent, inputs } = await mailer(broker);
    const alice = renderHook(() => useDurableSession(), { wrapper: tab(broker, 'alice') });
    await waitFor(() => expect(alice.result.current.connection.hydrated).toBe(true));
    const attachments: Attachment[] = [{ type: 'file', mediaType: 'image/png', url: 'https://example.com/cat.png', name: 'cat.png' }];
    let r!: ControlResult;
    await act(async () => {
      r = await alice.result.current.send('what is this?', { attachments, metadata: { locale: 'fr' } });
    });
    expect(r.ok).toBe(true);
    expect(alice.result.current.messages[0]).toMatchObject({ kind: 'user', text: 'what is this?', attachments, metadata: { locale: 'fr' } });
    await until(() => inputs[0], 'the agent to get the message');
    expect(inputs[0]).toMatchObject({ attachments, metadata: { locale: 'fr' } });
    await agent.stop();
  });
});
