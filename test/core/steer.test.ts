import { describe, expect, it } from 'vitest';
import { createAgent, type TurnRecord } from '../../src/agent/index.js';
import { createDemoAgent, demoAnswer, demoTokens } from '../../src/agent/demo/index.js';
import { selectResponse } from '../../src/core/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { client, createBroker, responses } from '../helpers/session-fixture.js';
import { settle, until } from '../helpers/until.js';
import { aliceAsks, handDrivenAgent, agentAndTwoTabs } from './hand-driven-agent.js';

describe('steer', () => {
  it('reaches turn.steers during generation and is acknowledged received, then applied, in every tab', async () => {
    const { broker, h, alice, bob } = await agentAndTwoTabs();
    await alice.ctrl.send('write a poem');
    const turn = await until(() => h.turns[0], 'the turn', { ok: (t) => t !== undefined });
    turn.write('Roses are red');
    await until(() => responses(alice.ctrl.store.getState())[0]?.text, 'the first line', { ok: (t) => t === 'Roses are red' });

    const r = await alice.ctrl.steer('make it rhyme with orange');
    expect(r.ok).toBe(true);
    const steerId = r.ok ? r.id : '';
    for (const c of [alice, bob]) {
      const s = await until(() => c.ctrl.store.getState().steers[steerId], `${c.transport.clientId} to see it received`, { ok: (x) => x?.status === 'received' });
      expect(s).toMatchObject({ agentId: 'agent', responseId: turn.responseId });
    }
    expect(turn.steers.size).toBe(1);
    const taken = turn.steers.take();
    expect(taken).toMatchObject({ steerId, text: 'make it rhyme with orange', clientId: 'alice' });
    expect(turn.steers.take()).toBeUndefined();
    for (const c of [alice, bob]) {
      await until(() => c.ctrl.store.getState().steers[steerId]?.status, `${c.transport.clientId} to see it applied`, { ok: (x) => x === 'applied' });
    }
    expect(bob.ctrl.store.getState().steers[steerId].text).toBe('make it rhyme with orange');
    turn.write(', door hinge');
    h.finish(turn.turnId);
    const record = await until(() => h.records[0], 'the record', { ok: (x) => x !== undefined });
    expect(record.steersApplied).toEqual([steerId]);
    expect(record.text).toBe('Roses are red, door hinge');
  });

  it('changes what the demo agent writes after a visible marker, exactly as the agent recorded it', async () => {
    const broker = createBroker();
    const records: TurnRecord[] = [];
    const count = 60;
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent' }), sessionId: 's', thinkMs: 0, tokensPerSecond: 150, tokens: count, onTurnEnd: (r) => records.push(r) });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    const prompt = 'describe the sea';
    await alice.ctrl.send(prompt);
    await until(() => responses(alice.ctrl.store.getState())[0]?.text.length ?? 0, 'the first words', { ok: (n) => n > 0 });
    const r = await alice.ctrl.steer('alpha beta gamma');
    expect(r.ok).toBe(true);

    const record = await until(() => records[0], 'the answer to end', { ok: (x) => x !== undefined });
    expect(record.status).toBe('complete');
    expect(record.steersApplied).toEqual([r.ok ? r.id : '']);
    const s = await until(() => alice.ctrl.store.getState(), 'alice to see it complete', { ok: (s) => responses(s)[0]?.status === 'complete' });
    const text = responses(s)[0].text;
    expect(text).toBe(record.text);
    expect(s.steers[r.ok ? r.id : ''].status).toBe('applied');

    // Before the acknowledgement: the prompt's own words. After it: the rest rewritten to follow the
    // steer, which an unrecognised steer quotes back.
    const marker = ' — and, as you asked, “alpha beta gamma”: ';
    const at = text.indexOf(marker);
    expect(at).toBeGreaterThan(0);
    const before = text.slice(0, at).split(' ');
    const k = before.length;
    expect(before).toEqual(demoTokens(prompt, count).slice(0, k));
    expect(text.slice(at + marker.length)).toContain('follows your steer, “alpha beta gamma”.');
    expect(text).toBe(demoAnswer(prompt, count, { steers: [{ afterWords: k, text: 'alpha beta gamma' }] }));
  });

  it('delivers steers to a handler iterating turn.steers, each applied as it is taken', async () => {
    const broker = createBroker();
    const records: TurnRecord[] = [];
    const agent = createAgent({
      transport: createMemoryTransport({ broker, clientId: 'agent' }),
      sessionId: 's',
      agentId: 'listener',
      batch: { intervalMs: 1, maxChars: 1 },
      onTurnEnd: (r) => records.push(r),
      handler: async (turn) => {
        turn.write('listening');
        for await (const steer of turn.steers) {
          turn.write(` [${steer.text}]`);
          if (steer.text === 'done') break;
        }
      },
    });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('wait for instructions');
    await until(() => responses(alice.ctrl.store.getState())[0]?.text, 'the handler to wait', { ok: (t) => t === 'listening' });
    const ids: string[] = [];
    for (const text of ['left', 'right', 'done']) {
      const r = await alice.ctrl.steer(text);
      expect(r.ok).toBe(true);
      if (r.ok) ids.push(r.id);
      await until(() => alice.ctrl.store.getState().steers[ids[ids.length - 1]]?.status, `steer ${text} applied`, { ok: (x) => x === 'applied' });
    }
    const s = await until(() => alice.ctrl.store.getState(), 'the turn to end', { ok: (s) => responses(s)[0]?.status === 'complete' });
    expect(responses(s)[0].text).toBe('listening [left] [right] [done]');
    expect(records[0].steersApplied).toEqual(ids);
    expect(selectResponse(s, records[0].responseId)?.agentId).toBe('listener');
  });

  it('rejects a steer that reaches the agent just after its turn ended, instead of leaving it unanswered', async () => {
    const { h, alice, turn } = await aliceAsks();
    turn.write('almost done');
    await until(() => responses(alice.ctrl.store.getState())[0]?.text, 'the text', { ok: (t) => t === 'almost done' });
    // Alice steers while the answer is still streaming on her screen; the agent finishes first.
    h.transport.disconnect();
    const r = await alice.ctrl.steer('add a summary');
    expect(r.ok).toBe(true);
    h.finish(turn.turnId);
    await settle();
    await h.transport.reconnect();
    const st = await until(() => alice.ctrl.store.getState().steers[r.ok ? r.id : ''], 'the steer to be answered', { ok: (x) => x?.status === 'rejected' });
    expect(st).toMatchObject({ agentId: 'agent', responseId: turn.responseId });
    expect(st.reason).toMatch(/ended/);
    const record = await until(() => h.records[0], 'the record', { ok: (x) => x !== undefined });
    expect(record).toMatchObject({ status: 'complete', text: 'almost done', steersApplied: [] });
  });

  it('rejects a steer aimed explicitly at a finished turn or response', async () => {
    const { h, alice, turn } = await aliceAsks();
    h.finish(turn.turnId);
    await until(() => responses(alice.ctrl.store.getState())[0]?.status, 'the answer', { ok: (x) => x === 'complete' });
    for (const target of [{ kind: 'turn', turnId: turn.turnId } as const, { kind: 'response', responseId: turn.responseId } as const]) {
      const r = await alice.ctrl.steer('too late', target);
      expect(r.ok).toBe(true);
      const st = await until(() => alice.ctrl.store.getState().steers[r.ok ? r.id : ''], `the ${target.kind} steer rejected`, { ok: (x) => x?.status === 'rejected' });
      expect(st.responseId).toBe(turn.responseId);
    }
  });

  it('shows a steer applied when one agent of a turn applies it, even if another already finished and refused it', async () => {
    const broker = createBroker();
    const quick = handDrivenAgent(broker, 's', { agentId: 'quick' });
    const slow = handDrivenAgent(broker, 's', { agentId: 'slow' });
    await Promise.all([quick.agent.start(), slow.agent.start()]);
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await until(() => alice.ctrl.store.getState().presence.length, 'both agents present', { ok: (n) => n === 3 });
    await alice.ctrl.send('q');
    const q = await until(() => quick.turns[0], 'quick turn', { ok: (t) => t !== undefined });
    const w = await until(() => slow.turns[0], 'slow turn', { ok: (t) => t !== undefined });
    quick.finish(q.turnId);
    await until(() => quick.records.length, 'quick to finish', { ok: (n) => n === 1 });
    const r = await alice.ctrl.steer('more detail');
    expect(r.ok).toBe(true);
    const id = r.ok ? r.id : '';
    await until(() => alice.ctrl.store.getState().steers[id]?.status, 'the refusal from the finished agent', { ok: (x) => x === 'rejected' });
    await until(() => w.steers.size, 'the steer queued for the slow agent', { ok: (n) => n === 1 });
    expect(w.steers.take()?.text).toBe('more detail');
    const st = await until(() => alice.ctrl.store.getState().steers[id], 'applied wins', { ok: (x) => x?.status === 'applied' });
    expect(st.agentId).toBe('slow');
    expect(st.responseId).toBe(w.responseId);
  });

  it('rejects a steer aimed at an agent with nothing running, visibly in the session', async () => {
    const broker = createBroker();
    const h = handDrivenAgent(broker, 's', { agentId: 'idle-agent' });
    await h.agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await until(() => alice.ctrl.store.getState().presence.length, 'the agent in presence', { ok: (n) => n === 2 });
    const r = await alice.ctrl.steer('anything', { kind: 'agent', agentId: 'idle-agent' });
    expect(r.ok).toBe(true);
    const st = await until(() => alice.ctrl.store.getState().steers[r.ok ? r.id : ''], 'the rejection', { ok: (x) => x?.status === 'rejected' });
    expect(st.reason).toMatch(/no running turn/);
    expect(h.turns).toHaveLength(0);
  });
});
