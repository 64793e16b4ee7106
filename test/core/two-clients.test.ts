import { describe, expect, it } from 'vitest';
import type { TurnRecord } from '../../src/agent/index.js';
import { createDemoAgent, demoTokens } from '../../src/agent/demo/index.js';
import { createBroker } from '../../src/broker/index.js';
import { entryOf, selectResponse, type HistoryPage, type SessionState, type TransportChannel, type WireMessage } from '../../src/core/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { client, responses } from '../helpers/session-fixture.js';
import { settle, until } from '../helpers/until.js';
import { aliceAsks } from './hand-driven-agent.js';

/** The transcript as a reader sees it: entry keys, kinds, texts and statuses, in order. */
function transcript(s: SessionState) {
  return s.order.map((k) => {
    const e = entryOf(s, k)!;
    return e.kind === 'user' ? [k, 'user', e.text, e.pending] : [k, 'response', e.text, e.status, e.agentId];
  });
}

/** Counts every message a channel hands its subscriber, live or from history, by serial. */
function countDeliveries(ch: TransportChannel) {
  const fromHistory = new Map<string, number>();
  const live = new Map<string, number>();
  const bump = (m: Map<string, number>, serial: string) => m.set(serial, (m.get(serial) ?? 0) + 1);
  const wrap = (page: HistoryPage): HistoryPage => {
    for (const m of page.items) bump(fromHistory, m.serial);
    return { items: page.items, hasNext: () => page.hasNext(), next: async () => { const n = await page.next(); return n && wrap(n); } };
  };
  const history = ch.history.bind(ch);
  ch.history = async (q) => wrap(await history(q));
  ch.subscribe((m: WireMessage) => bump(live, m.serial));
  return { fromHistory, live };
}

describe('two clients on one session', () => {
  it('see the same transcript, whoever asks, and each other in presence', async () => {
    const broker = createBroker();
    const records: TurnRecord[] = [];
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent' }), sessionId: 's', thinkMs: 0, tokensPerSecond: 2000, tokens: 12, batch: { intervalMs: 1, maxChars: 8 }, onTurnEnd: (r) => records.push(r) });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    const bob = client(broker, 'bob', 's');
    await Promise.all([alice.ctrl.acquire(), bob.ctrl.acquire()]);

    await alice.ctrl.send('from alice');
    await until(() => records.length, 'first answer', { ok: (n) => n === 1 });
    await bob.ctrl.send('from bob');
    await until(() => records.length, 'second answer', { ok: (n) => n === 2 });
    // Both at once: the channel decides the order, and both tabs agree on it.
    await Promise.all([alice.ctrl.send('alice again'), bob.ctrl.send('bob again')]);
    await until(() => records.length, 'all answers', { ok: (n) => n === 4 });

    const done = (s: SessionState) => responses(s).length === 4 && responses(s).every((r) => r.status === 'complete');
    const a = await until(() => alice.ctrl.store.getState(), 'alice to see four answers', { ok: done });
    const b = await until(() => bob.ctrl.store.getState(), 'bob to see four answers', { ok: done });
    expect(transcript(b)).toEqual(transcript(a));
    expect(transcript(a).filter((e) => e[1] === 'user').map((e) => e[2]).slice(0, 2)).toEqual(['from alice', 'from bob']);
    for (const r of records) expect(selectResponse(a, r.responseId)?.text).toBe(r.text);
    expect(selectResponse(a, records[0].responseId)?.text).toBe(demoTokens('from alice', 12).join(' '));

    for (const c of [alice, bob]) {
      const members = await until(() => c.ctrl.store.getState().presence, `${c.transport.clientId} to see three members`, { ok: (p) => p.length === 3 });
      expect(members.map((m) => `${m.data.kind}:${m.clientId}`).sort()).toEqual(['agent:agent', 'user:alice', 'user:bob']);
    }
  });

  it('hydrates a late joiner with one aggregated message per finished response, not one per token', async () => {
    const appendsPerMessage = new Map<string, number>();
    const counted = createBroker({
      onEvent: (_, e) => {
        if (e.message.action === 'message.append') appendsPerMessage.set(e.message.serial, (appendsPerMessage.get(e.message.serial) ?? 0) + 1);
      },
    });
    const records: TurnRecord[] = [];
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker: counted, clientId: 'agent' }), sessionId: 's', thinkMs: 0, tokensPerSecond: 5000, tokens: 25, batch: { intervalMs: 1, maxChars: 4 }, onTurnEnd: (r) => records.push(r) });
    await agent.start();
    const alice = client(counted, 'alice', 's');
    await alice.ctrl.acquire();
    for (const q of ['one', 'two', 'three']) {
      await alice.ctrl.send(q);
      await until(() => records.length, `answer to ${q}`, { ok: (n) => n === ['one', 'two', 'three'].indexOf(q) + 1 });
    }
    const a = await until(() => alice.ctrl.store.getState(), 'alice to see three answers', { ok: (s) => responses(s).filter((r) => r.status === 'complete').length === 3 });
    const responseKeys = responses(a).map((r) => r.key);
    // Each answer took many appends on the channel...
    for (const k of responseKeys) expect(appendsPerMessage.get(k) ?? 0).toBeGreaterThanOrEqual(10);

    const carol = client(counted, 'carol', 's');
    const seen = countDeliveries(carol.transport.channel('s'));
    await carol.ctrl.acquire();
    const c = await until(() => carol.ctrl.store.getState(), 'carol to hydrate', { ok: (s) => responses(s).length === 3 && s.connection.hydrated });
    // ...but a late joiner gets exactly one message for each.
    for (const k of responseKeys) {
      expect(seen.fromHistory.get(k)).toBe(1);
      expect(seen.live.get(k)).toBeUndefined();
    }
    expect([...seen.fromHistory.values()].reduce((x, y) => x + y, 0)).toBe(6);
    expect(transcript(c)).toEqual(transcript(alice.ctrl.store.getState()));
    for (const r of records) expect(selectResponse(c, r.responseId)).toMatchObject({ text: r.text, status: 'complete' });
    expect(c.connection.backfills).toBe(0);
  });

  it('lets a tab that opens mid-stream pick the response up whole and follow it to the end', async () => {
    const { broker, h, alice, turn } = await aliceAsks();
    for (const w of ['alpha ', 'beta ', 'gamma ']) turn.write(w);
    await until(() => responses(alice.ctrl.store.getState())[0]?.text, 'alice to see three words', { ok: (t) => t === 'alpha beta gamma ' });

    const bob = client(broker, 'bob', 's');
    const seen = countDeliveries(bob.transport.channel('s'));
    await bob.ctrl.acquire();
    await until(() => responses(bob.ctrl.store.getState())[0]?.text, 'bob to hydrate the partial answer', { ok: (t) => t === 'alpha beta gamma ' });
    for (const w of ['delta ', 'epsilon']) turn.write(w);
    h.finish(turn.turnId);
    const b = await until(() => bob.ctrl.store.getState(), 'bob to see it finish', { ok: (s) => responses(s)[0]?.status === 'complete' });
    expect(responses(b)[0].text).toBe('alpha beta gamma delta epsilon');
    expect(responses(b)[0].text).toBe(h.records[0]?.text);
    expect(responses(b)[0].resumed).toBe(true);
    expect(transcript(b)).toEqual(transcript(await until(() => alice.ctrl.store.getState(), 'alice too', { ok: (s) => responses(s)[0]?.status === 'complete' })));
    // One aggregated copy of the partial answer, then only the deltas written after the join.
    const key = responses(b)[0].key;
    expect(seen.fromHistory.get(key)).toBe(1);
    expect(seen.live.get(key)).toBe(3);
  });
});
