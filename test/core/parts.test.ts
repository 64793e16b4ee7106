import { describe, expect, it } from 'vitest';
import { createAgent, type Turn, type TurnRecord } from '../../src/agent/index.js';
import { DurableSessionError, selectPendingApprovals, selectResponse, type ResponsePart, type ToolCallPart } from '../../src/core/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { client, createBroker, responses } from '../helpers/session-fixture.js';
import { until } from '../helpers/until.js';
import { aliceAsks, handDrivenAgent, agentAndTwoTabs } from './hand-driven-agent.js';

const partsOf = (c: ReturnType<typeof client>, responseId: string): ResponsePart[] | undefined => selectResponse(c.ctrl.store.getState(), responseId)?.parts;
const toolIn = (c: ReturnType<typeof client>, id: string) =>
  responses(c.ctrl.store.getState())
    .flatMap((r) => r.parts)
    .find((p): p is ToolCallPart => p.type === 'tool-call' && p.id === id);

describe('rich turns: every part streams into every tab and survives hydration exactly', () => {
  it('text, reasoning, a streamed tool call, sources, files and data updated in place: live tabs and a late joiner hold what the agent recorded', async () => {
    const { broker, h, alice, turn } = await aliceAsks('weather in Paris?');
    const bob = client(broker, 'bob', 's');
    await bob.ctrl.acquire();
    turn.reasoning('The user wants ');
    turn.reasoning('the weather.');
    turn.write('Let me check. ');
    const call = turn.toolCall({ toolName: 'weather' });
    call.inputDelta('{"city":');
    // Halfway through the input, both tabs already show the partial JSON text.
    for (const c of [alice, bob]) await until(() => toolIn(c, call.toolCallId)?.inputText, 'partial input', { ok: (t) => t === '{"city":' });
    call.inputDelta('"Paris"}');
    expect(call.input()).toEqual({ city: 'Paris' });
    const progress = turn.data('progress', { pct: 10 });
    turn.data('progress', { pct: 100 }, progress);
    call.output({ tempC: 18 });
    turn.write('It is 18 °C');
    turn.source({ url: 'https://weather.example/paris', title: 'Weather' });
    turn.file({ mediaType: 'image/png', url: 'https://weather.example/paris.png', name: 'map.png' });
    h.finish(turn.turnId);
    const record = await until(() => h.records[0], 'the record', { ok: (r) => r !== undefined });

    expect(record.parts.map((p) => p.type)).toEqual(['reasoning', 'text', 'tool-call', 'data-progress', 'text', 'source', 'file']);
    expect(record.parts[0]).toMatchObject({ type: 'reasoning', text: 'The user wants the weather.', state: 'done' });
    expect(record.parts[2]).toMatchObject({ state: 'output-available', input: { city: 'Paris' }, output: { tempC: 18 }, inputText: '{"city":"Paris"}' });
    expect(record.parts[3]).toMatchObject({ data: { pct: 100 } });
    expect(record.text).toBe('Let me check. It is 18 °C');

    const late = client(broker, 'carol', 's');
    await late.ctrl.acquire();
    for (const c of [alice, bob, late]) {
      const r = await until(() => selectResponse(c.ctrl.store.getState(), turn.responseId), 'the finished response', { ok: (x) => x?.status === 'complete' });
      expect(r?.parts).toEqual(record.parts);
      expect(r?.text).toBe(record.text);
    }
  });

  it('a tab that reconnects without continuity mid tool input backfills the exact partial state', async () => {
    const { broker, h, turn } = await aliceAsks('search');
    const bob = client(broker, 'bob', 's');
    await bob.ctrl.acquire();
    const call = turn.toolCall({ toolName: 'search' });
    call.inputDelta('{"q":"dur');
    await until(() => toolIn(bob, call.toolCallId)?.inputText, 'bob sees the start', { ok: (t) => t === '{"q":"dur' });
    bob.transport.disconnect();
    call.inputDelta('able ses');
    turn.reasoning('thinking while away');
    await until(() => broker.channel('s').channelSerial, 'the appends to land');
    await bob.transport.forceDiscontinuity();
    await bob.transport.reconnect();
    const tool = await until(() => toolIn(bob, call.toolCallId), 'bob backfilled', { ok: (p) => p?.inputText === '{"q":"durable ses' });
    expect(tool?.state).toBe('input-streaming');
    expect(partsOf(bob, turn.responseId)?.find((p) => p.type === 'reasoning')).toMatchObject({ text: 'thinking while away', state: 'streaming' });
    call.inputDelta('sions"}');
    call.input();
    await until(() => toolIn(bob, call.toolCallId)?.state, 'input final', { ok: (s) => s === 'input-available' });
    expect(toolIn(bob, call.toolCallId)?.input).toEqual({ q: 'durable sessions' });
    h.finish(turn.turnId);
  });
});

describe('human in the loop: approval is live control', () => {
  async function approvalSetup(opts: { needsApproval?: boolean } = {}) {
    const broker = createBroker();
    const records: TurnRecord[] = [];
    const errors: DurableSessionError[] = [];
    const outcomes: unknown[] = [];
    const agent = createAgent({
      transport: createMemoryTransport({ broker, clientId: 'agent' }),
      sessionId: 's',
      agentId: 'mailer',
      batch: { intervalMs: 1, maxChars: 1 },
      onTurnEnd: (r) => records.push(r),
      onError: (e) => errors.push(e),
      handler: async (turn: Turn) => {
        const call = turn.toolCall({ toolName: 'send_email', needsApproval: opts.needsApproval ?? true, input: { to: 'ann@example.com' } });
        try {
          const d = await call.approval();
          outcomes.push(d);
          if (d.approved) {
            call.output({ sent: true });
            turn.write('Sent.');
          } else turn.write(`Not sent: ${d.reason ?? 'denied'}.`);
        } catch (e) {
          outcomes.push(e);
          throw e;
        }
      },
    });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    const bob = client(broker, 'bob', 's');
    await Promise.all([alice.ctrl.acquire(), bob.ctrl.acquire()]);
    await alice.ctrl.send('email Ann');
    const pending = await until(() => selectPendingApprovals(bob.ctrl.store.getState()), 'bob sees the prompt', { ok: (p) => p.length === 1 });
    return { broker, agent, records, errors, outcomes, alice, bob, call: pending[0].part, responseId: pending[0].response.responseId };
  }

  it('a decision from tab B settles every tab on one outcome, acknowledged by the agent with who decided', async () => {
    const { alice, bob, call, records, outcomes } = await approvalSetup();
    expect(selectPendingApprovals(alice.ctrl.store.getState()).map((p) => p.part.toolCallId)).toEqual([call.toolCallId]);
    const r = await bob.ctrl.approve(call.toolCallId);
    expect(r.ok).toBe(true);
    for (const c of [alice, bob]) {
      const p = await until(() => toolIn(c, call.toolCallId), 'the settled call', { ok: (x) => x?.state === 'output-available' });
      expect(p?.approval).toEqual({ approved: true, by: 'bob' });
      expect(selectPendingApprovals(c.ctrl.store.getState())).toEqual([]);
    }
    const record = await until(() => records[0], 'the record', { ok: (x) => x !== undefined });
    expect(record.text).toBe('Sent.');
    expect(outcomes).toEqual([{ approved: true, by: 'bob' }]);
    // Deciding again is refused before anything is published.
    const again = await alice.ctrl.deny(call.toolCallId);
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/already approved by bob/) });
  });

  it('two tabs deciding at once: exactly one decision wins, everywhere, and the agent reports the loser', async () => {
    const { alice, bob, call, records, outcomes, errors } = await approvalSetup();
    const [a, b] = await Promise.all([alice.ctrl.deny(call.toolCallId, { reason: 'wrong person' }), bob.ctrl.approve(call.toolCallId)]);
    expect(a.ok && b.ok).toBe(true);
    const record = await until(() => records[0], 'the record', { ok: (x) => x !== undefined });
    expect(outcomes).toHaveLength(1);
    const winner = (record.parts[0] as ToolCallPart).approval;
    for (const c of [alice, bob]) {
      await until(() => selectResponse(c.ctrl.store.getState(), record.responseId)?.status, 'the end', { ok: (s) => s === 'complete' });
      expect(toolIn(c, call.toolCallId)?.approval).toEqual(winner);
    }
    await until(() => errors.length, 'the late decision to be reported', { ok: (n) => n === 1 });
    expect(errors[0]).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/came too late: already/) });
  });

  it('a denial feeds back to the agent as the result, with the reason, and the agent answers without the tool', async () => {
    const { alice, bob, call, records } = await approvalSetup();
    await alice.ctrl.deny(call.toolCallId, { reason: 'not now' });
    const record = await until(() => records[0], 'the record', { ok: (x) => x !== undefined });
    expect(record.text).toBe('Not sent: not now.');
    expect(toolIn(bob, call.toolCallId)).toBeDefined();
    const p = await until(() => toolIn(bob, call.toolCallId), 'denied in bob', { ok: (x) => x?.state === 'denied' });
    expect(p?.approval).toEqual({ approved: false, by: 'alice', reason: 'not now' });
  });

  it('stop while awaiting approval cancels the turn and rejects the wait', async () => {
    const { alice, records, outcomes } = await approvalSetup();
    expect((await alice.ctrl.cancel()).ok).toBe(true);
    const record = await until(() => records[0], 'the record', { ok: (x) => x !== undefined });
    expect(record.status).toBe('cancelled');
    expect(outcomes[0]).toBeInstanceOf(DurableSessionError);
    const late = await alice.ctrl.approve((record.parts[0] as ToolCallPart).toolCallId);
    expect(late.ok).toBe(false);
    if (!late.ok) expect(late.error.code).toBe('invalid_state');
  });

  it('a pending approval survives a reload: a new tab shows the prompt and can decide it', async () => {
    const { broker, alice, call, records } = await approvalSetup();
    await alice.ctrl.stop();
    const reloaded = client(broker, 'alice', 's');
    await reloaded.ctrl.acquire();
    const pending = await until(() => selectPendingApprovals(reloaded.ctrl.store.getState()), 'the prompt after reload', { ok: (p) => p.length === 1 });
    expect(pending[0].part.toolCallId).toBe(call.toolCallId);
    await reloaded.ctrl.approve(call.toolCallId);
    const record = await until(() => records[0], 'the record', { ok: (x) => x !== undefined });
    expect(record.text).toBe('Sent.');
  });

  it('a decision from a client that is not in the session is ignored and reported; the call keeps waiting', async () => {
    const { broker, bob, call, responseId, errors } = await approvalSetup();
    const stranger = createMemoryTransport({ broker, clientId: 'mallory' });
    const { build } = await import('../../src/core/build-event.js');
    await stranger.channel('s').publish(build.approval({ decisionId: 'approval-x', responseId, toolCallId: call.toolCallId, approved: true }));
    await until(() => errors.length, 'the refusal', { ok: (n) => n === 1 });
    expect(errors[0]).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/mallory/) });
    expect(toolIn(bob, call.toolCallId)?.state).toBe('awaiting-approval');
    await bob.ctrl.approve(call.toolCallId);
    await until(() => toolIn(bob, call.toolCallId)?.state, 'approved by bob', { ok: (s) => s === 'output-available' });
  });

  it('refuses decisions on calls that do not exist or need no approval, before publishing', async () => {
    const { h, alice, turn } = await aliceAsks('q');
    const unknown = await alice.ctrl.approve('call-nope');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.code).toBe('unknown_target');
    const call = turn.toolCall({ toolName: 'lookup', input: { id: 1 } });
    call.running();
    await until(() => toolIn(alice, call.toolCallId)?.state, 'running', { ok: (s) => s === 'running' });
    const notWaiting = await alice.ctrl.approve(call.toolCallId);
    expect(notWaiting.ok).toBe(false);
    if (!notWaiting.ok) expect(notWaiting.error).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/running, not awaiting approval/) });
    expect(Object.keys(alice.ctrl.store.getState().approvals)).toEqual([]);
    h.finish(turn.turnId);
  });
});

describe('the agent refuses to write what clients would refuse', () => {
  it('a streamed input that is not JSON once final throws invalid_argument; an oversize data part throws oversize; nothing is published for either', async () => {
    const broker = createBroker();
    const h = handDrivenAgent(broker, 's');
    await h.agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('q');
    const turn = await until(() => h.turns[0], 'the turn', { ok: (t) => t !== undefined });
    const call = turn.toolCall({ toolName: 'broken' });
    call.inputDelta('{"a": nope');
    expect(() => call.input()).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => turn.data('big', 'x'.repeat(40_000))).toThrow(expect.objectContaining({ code: 'oversize' }));
    turn.write('still fine');
    h.finish(turn.turnId);
    const record = await until(() => h.records[0], 'the record', { ok: (x) => x !== undefined });
    const r = await until(() => selectResponse(alice.ctrl.store.getState(), record.responseId), 'the end', { ok: (x) => x?.status === 'complete' });
    expect(r?.parts).toEqual(record.parts);
    expect(r?.parts.map((p) => p.type)).toEqual(['tool-call', 'text']);
    expect((r?.parts[0] as ToolCallPart).state).toBe('input-streaming');
  });
});

describe('attachments and metadata on user messages', () => {
  it('reach the agent and every tab; bad ones are refused before publishing', async () => {
    const { broker, h, alice, bob } = await agentAndTwoTabs();
    const attachments = [{ type: 'file' as const, mediaType: 'application/pdf', url: 'https://files.example/q3.pdf', name: 'q3.pdf' }];
    expect((await alice.ctrl.send('summarise this', { attachments, metadata: { plan: 'pro' } })).ok).toBe(true);
    const turn = await until(() => h.turns[0], 'the turn', { ok: (t) => t !== undefined });
    expect(turn.input.attachments).toEqual(attachments);
    expect(turn.input.metadata).toEqual({ plan: 'pro' });
    const u = await until(() => bob.ctrl.store.getState().order.map((k) => bob.ctrl.store.getState().entries[k]).find((e) => e?.kind === 'user'), 'bob sees it');
    expect(u).toMatchObject({ attachments, metadata: { plan: 'pro' } });
    const bad = await alice.ctrl.send('x', { attachments: [{ type: 'file', mediaType: 'text/plain', url: 'javascript:alert(1)' }] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/url/) });
    const big = await alice.ctrl.send('x', { metadata: { blob: 'y'.repeat(5000) } });
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.error.code).toBe('oversize');
    expect(h.turns).toHaveLength(1);
    h.finish(turn.turnId);
  });
});

describe('a part record that cannot apply changes nothing else', () => {
  it('a tool output for a call the response does not have is reported as unknown_target; the other parts and the text stay exact', async () => {
    const { broker, h, alice, turn } = await aliceAsks('q');
    turn.write('before ');
    const r0 = await until(() => selectResponse(alice.ctrl.store.getState(), turn.responseId), 'the text', { ok: (r) => r?.text === 'before ' });
    const { build, encodeOp } = await import('../../src/core/index.js');
    const ch = broker.channel('s');
    const serial = r0!.key;
    const headers = build.responseHeaders({ responseId: turn.responseId, agentId: 'agent', turnId: turn.turnId, status: 'streaming', offset: r0!.size });
    const bad = encodeOp({ op: 'tool-output', id: 'call-ghost', output: 1 });
    ch.append(serial, { data: `${bad}after`, headers });
    const r1 = await until(() => selectResponse(alice.ctrl.store.getState(), turn.responseId), 'the append', { ok: (r) => r?.text === 'before after' });
    expect(r1?.parts).toEqual([{ type: 'text', id: 'text-0', text: 'before after' }]);
    const err = alice.ctrl.store.getState().errors.at(-1);
    expect(err).toMatchObject({ code: 'unknown_target', message: expect.stringMatching(/call-ghost/) });
    h.finish(turn.turnId);
  });
});
