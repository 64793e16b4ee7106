import { describe, expect, it } from 'vitest';
import type { TurnRecord } from '../../src/agent/index.js';
import { createDemoAgent, demoTokens } from '../../src/agent/demo/index.js';
import { DurableSessionError, selectResponse, turnStatus } from '../../src/core/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { client, createBroker, responses } from '../helpers/session-fixture.js';
import { settle, until } from '../helpers/until.js';
import { aliceAsks, handDrivenAgent, agentAndTwoTabs } from './hand-driven-agent.js';

const cancels = (broker: ReturnType<typeof createBroker>, sessionId: string) =>
  broker.channel(sessionId).history({ limit: 1000 }).items.filter((m) => m.name === 'control.cancel').length;

describe('cancel', () => {
  it("fires the agent's AbortSignal for the running response, and every subscriber sees it end cancelled", async () => {
    const { broker, h, alice, bob } = await agentAndTwoTabs();

    expect((await alice.ctrl.send('tell me a long story')).ok).toBe(true);
    const turn = await until(() => h.turns[0], 'the agent to start the turn', { ok: (t) => t !== undefined });
    turn.write('Once upon');
    turn.write(' a time');
    for (const c of [alice, bob]) {
      await until(() => selectResponse(c.ctrl.store.getState(), turn.responseId)?.text, `${c.transport.clientId} to see the text`, { ok: (t) => t === 'Once upon a time' });
    }
    expect(turn.signal.aborted).toBe(false);

    const r = await alice.ctrl.cancel({ kind: 'response', responseId: turn.responseId });
    expect(r.ok).toBe(true);
    await until(() => h.aborted, 'the AbortSignal to fire', { ok: (a) => a.includes(turn.turnId) });
    expect(turn.signal.aborted).toBe(true);
    expect(turn.signal.reason).toBeInstanceOf(DurableSessionError);
    // Writes after the abort are ignored: the agent's record is what subscribers hold.
    turn.write(' and then more');
    const record = await until(() => h.records[0], 'the turn record', { ok: (x) => x !== undefined });
    expect(record).toMatchObject({ status: 'cancelled', aborted: true, text: 'Once upon a time' });

    const carol = client(broker, 'carol', 's');
    await carol.ctrl.acquire();
    for (const c of [alice, bob, carol]) {
      const s = await until(() => c.ctrl.store.getState(), `${c.transport.clientId} to see cancelled`, { ok: (s) => selectResponse(s, turn.responseId)?.status === 'cancelled' });
      expect(selectResponse(s, turn.responseId)?.text).toBe('Once upon a time');
      expect(turnStatus(s, turn.turnId)).toBe('cancelled');
    }
    await settle();
    for (const c of [alice, bob, carol]) expect(selectResponse(c.ctrl.store.getState(), turn.responseId)?.text).toBe('Once upon a time');
    expect(alice.ctrl.store.getState().cancels[r.ok ? r.id : '']?.status).toBe('sent');
    expect(Object.values(bob.ctrl.store.getState().cancels)).toHaveLength(1);
    expect(cancels(broker, 's')).toBe(1);
  });

  it('cancels a turn stopped before its first token: it ends cancelled and no text ever arrives', async () => {
    const broker = createBroker();
    const records: TurnRecord[] = [];
    // Left alone, this agent answers 20 words within ~100 ms of thinking.
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent' }), sessionId: 's', thinkMs: 60, tokensPerSecond: 400, tokens: 20, onTurnEnd: (r) => records.push(r) });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    const bob = client(broker, 'bob', 's');
    await Promise.all([alice.ctrl.acquire(), bob.ctrl.acquire()]);

    const sending = alice.ctrl.send('something I will regret');
    const pending = alice.ctrl.store.getState();
    const turnId = pending.entries[pending.order[0]].turnId;
    expect(turnStatus(pending, turnId)).toBe('pending');
    const cancelled = await alice.ctrl.cancel();
    expect(cancelled.ok).toBe(true);
    expect((await sending).ok).toBe(true);
    expect(alice.ctrl.store.getState().cancels[cancelled.ok ? cancelled.id : '']?.target).toEqual({ kind: 'turn', turnId });

    for (const c of [alice, bob]) {
      await until(() => c.ctrl.store.getState(), `${c.transport.clientId} to see the turn cancelled`, { ok: (s) => turnStatus(s, turnId) === 'cancelled' });
    }
    // Long past when the words would have streamed: still nothing.
    await settle();
    for (const c of [alice, bob]) {
      const s = c.ctrl.store.getState();
      expect(responses(s)).toHaveLength(1);
      expect(responses(s)[0]).toMatchObject({ status: 'cancelled', text: '' });
    }
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'cancelled', aborted: true, text: '' });
    const stored = broker.channel('s').history({ limit: 100 }).items.filter((m) => m.name === 'agent.response');
    expect(stored.map((m) => [m.data, m.headers['ds-status']])).toEqual([['', 'cancelled']]);
  });

  it('cancels a turn whose user message the agent had not yet received when the stop was pressed', async () => {
    const broker = createBroker();
    const h = handDrivenAgent(broker, 's');
    await h.agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    h.transport.disconnect();
    await alice.ctrl.send('queued while the agent is away');
    expect((await alice.ctrl.cancel()).ok).toBe(true);
    await h.transport.reconnect();
    const s = await until(() => alice.ctrl.store.getState(), 'the turn to end cancelled', { ok: (s) => responses(s)[0]?.status === 'cancelled' });
    expect(responses(s)[0].text).toBe('');
    // Whatever the handler was given, it was told to stop and nothing it writes now lands.
    for (const t of h.turns) {
      expect(t.signal.aborted).toBe(true);
      t.write('too late');
    }
    await settle();
    expect(responses(alice.ctrl.store.getState())[0]).toMatchObject({ status: 'cancelled', text: '' });
  });

  it('never aborts when a client disconnects or closes its tab mid-stream', async () => {
    const broker = createBroker();
    const records: TurnRecord[] = [];
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent' }), sessionId: 's', thinkMs: 0, tokensPerSecond: 400, tokens: 40, onTurnEnd: (r) => records.push(r) });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    const bob = client(broker, 'bob', 's');
    await Promise.all([alice.ctrl.acquire(), bob.ctrl.acquire()]);
    await alice.ctrl.send('keep going');
    await until(() => responses(alice.ctrl.store.getState())[0]?.text.length ?? 0, 'the first words', { ok: (n) => n > 0 });

    alice.transport.disconnect();
    bob.ctrl.release();
    await bob.transport.close();

    const record = await until(() => records[0], 'the agent to finish', { ok: (r) => r !== undefined });
    const expected = demoTokens('keep going', 40).join(' ');
    expect(record).toMatchObject({ status: 'complete', aborted: false, text: expected });
    await alice.transport.reconnect();
    const s = await until(() => alice.ctrl.store.getState(), 'alice to catch up', { ok: (s) => responses(s)[0]?.status === 'complete' });
    expect(responses(s)[0].text).toBe(expected);
    expect(cancels(broker, 's')).toBe(0);
  });

  it('stopping the controller (leaving the session) publishes no cancel and the answer completes', async () => {
    const { broker, h, alice, turn } = await aliceAsks();
    turn.write('partial');
    await alice.ctrl.stop();
    turn.write(' and the rest');
    h.finish(turn.turnId);
    const record = await until(() => h.records[0], 'the record', { ok: (r) => r !== undefined });
    expect(record).toMatchObject({ status: 'complete', aborted: false, text: 'partial and the rest' });
    expect(cancels(broker, 's')).toBe(0);
    await until(() => broker.channel('s').presence.list().map((m) => m.clientId), 'alice to leave presence', { ok: (ids) => !ids.includes('alice') });
  });
});
