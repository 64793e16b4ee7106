import { describe, expect, it, vi } from 'vitest';
import { build, selectPath } from '../../src/core/index.js';
import { client, createBroker, responses, users } from '../helpers/session-fixture.js';
import { settle, until } from '../helpers/until.js';
import { handDrivenAgent } from './hand-driven-agent.js';

/** Fills a session with `n` finished turns, straight into the broker. */
function seed(broker: ReturnType<typeof createBroker>, n: number) {
  const log = broker.channel('s');
  for (let i = 0; i < n; i++) {
    const q = build.userMessage(`t${i}`, `question ${i}`);
    log.create({ name: q.name, data: q.data, headers: q.headers ?? {} }, { clientId: 'old-tab' });
    const ids = { responseId: `r${i}`, agentId: 'agent', turnId: `t${i}` };
    const serial = log.create({ name: 'agent.response', data: '', headers: build.responseHeaders({ ...ids, status: 'streaming' }) }, { clientId: 'agent' });
    log.append(serial, { data: `answer ${i}`, headers: build.responseHeaders({ ...ids, status: 'complete', offset: 0 }) }, { clientId: 'agent' });
  }
}

describe('a long session', () => {
  it('opens on the newest page, then pages older turns in, one history request each, in channel order', async () => {
    const broker = createBroker();
    seed(broker, 180);
    const alice = client(broker, 'alice', 's');
    const history = vi.spyOn(alice.transport.channel('s'), 'history');
    await alice.ctrl.acquire();
    let s = await until(() => alice.ctrl.store.getState(), 'hydration', { ok: (s) => s.connection.hydrated });
    // 100 messages per page: the newest 50 turns, and more to come.
    expect(users(s).map((u) => u.text)).toEqual(Array.from({ length: 50 }, (_, i) => `question ${130 + i}`));
    expect(s.paging).toEqual({ hasOlder: true, loadingOlder: false });
    expect(history).toHaveBeenCalledTimes(1);
    const read: number[] = [];
    while (alice.ctrl.store.getState().paging.hasOlder) read.push(await alice.ctrl.loadOlder());
    expect(read).toEqual([100, 100, 60]);
    expect(await alice.ctrl.loadOlder()).toBe(0);
    s = alice.ctrl.store.getState();
    expect(users(s).map((u) => u.text)).toEqual(Array.from({ length: 180 }, (_, i) => `question ${i}`));
    expect(responses(s).map((r) => [r.text, r.status])).toEqual(Array.from({ length: 180 }, (_, i) => [`answer ${i}`, 'complete']));
    expect([...s.order].sort()).toEqual(s.order);
    expect(selectPath(s).turnIds).toEqual(Array.from({ length: 180 }, (_, i) => `t${i}`));
  });

  it('recovers a streaming answer behind a long backlog after a discontinuity with losses', async () => {
    const broker = createBroker();
    seed(broker, 150);
    const h = handDrivenAgent(broker, 's');
    await h.agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('the live one');
    const turn = await until(() => h.turns[0], 'the turn', { ok: (t) => t !== undefined });
    const words: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (i === 10) alice.transport.dropNext(3);
      if (i === 20) void alice.transport.forceDiscontinuity();
      words.push(`w${i} `);
      turn.write(`w${i} `);
      await new Promise((r) => setTimeout(r, 0));
    }
    h.finish(turn.turnId);
    // The newest history page (100 messages: 50 turns), then the live turn.
    const s = await until(() => alice.ctrl.store.getState(), 'the live answer', { ok: (s) => responses(s).length === 51 && responses(s)[50].status === 'complete' && !s.connection.backfilling });
    expect(responses(s)[50].text).toBe(words.join(''));
    expect(h.records[0].text).toBe(words.join(''));
    expect(s.order).toHaveLength(102);
  });
});
