import { describe, expect, it, vi } from 'vitest';
import { createAgent, SteerQueue, streamFrom, type Steer, type Turn, type TurnRecord } from '../../src/agent/index.js';
import { createDemoAgent, demoTokens } from '../../src/agent/demo/index.js';
import { createBroker, type LogEvent } from '../../src/broker/index.js';
import { selectResponse, turnStatus } from '../../src/core/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { aliceAsks, handDrivenAgent } from '../core/hand-driven-agent.js';
import { client, responses } from '../helpers/session-fixture.js';
import { settle, until } from '../helpers/until.js';

function appendLog() {
  const appends: LogEvent['message'][] = [];
  const broker = createBroker({ onEvent: (_, e) => void (e.message.action === 'message.append' && appends.push(e.message)) });
  return { broker, appends };
}

describe('createAgent: appends', () => {
  it('batches by size: one append per maxChars, each carrying the offset it starts at', async () => {
    const { broker, appends } = appendLog();
    const agent = createAgent({
      transport: createMemoryTransport({ broker, clientId: 'agent' }),
      sessionId: 's',
      agentId: 'agent',
      batch: { intervalMs: 60_000, maxChars: 100 },
      handler: (turn) => {
        for (let i = 0; i < 40; i++) turn.write(String(i % 10).repeat(25));
      },
    });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('go');
    const s = await until(() => alice.ctrl.store.getState(), 'the answer', { ok: (s) => responses(s)[0]?.status === 'complete' });
    expect(responses(s)[0].text).toHaveLength(1000);
    // Ten full batches, then the closing append that carries the final status.
    expect(appends.map((m) => (m.data as string).length)).toEqual([...Array(10).fill(100), 0]);
    expect(appends.map((m) => m.headers['ds-offset'])).toEqual([...Array.from({ length: 10 }, (_, i) => String(i * 100)), '1000']);
    expect(appends.map((m) => m.headers['ds-status'])).toEqual([...Array(10).fill('streaming'), 'complete']);
  });

  it('batches by time: never more than one append per interval while tokens trickle in', async () => {
    vi.useFakeTimers();
    try {
      const appendedAt: number[] = [];
      const broker = createBroker({ onEvent: (_, e) => void (e.message.action === 'message.append' && appendedAt.push(Date.now())) });
      const intervalMs = 25;
      const agent = createAgent({
        transport: createMemoryTransport({ broker, clientId: 'agent' }),
        sessionId: 's',
        agentId: 'agent',
        batch: { intervalMs, maxChars: 1_000_000 },
        handler: async (turn) => {
          for (let i = 0; i < 60; i++) {
            turn.write('tok ');
            await new Promise((r) => setTimeout(r, 2));
          }
        },
      });
      await agent.start();
      const alice = client(broker, 'alice', 's');
      await alice.ctrl.acquire();
      await alice.ctrl.send('go');
      // 60 tokens, 2 ms apart: the last is written at 118 ms; the closing append carries what is left.
      await vi.advanceTimersByTimeAsync(200);
      const s = alice.ctrl.store.getState();
      expect(responses(s)[0]).toMatchObject({ status: 'complete', text: 'tok '.repeat(60) });
      const streaming = appendedAt.slice(0, -1);
      expect(streaming.length).toBe(Math.floor(118 / intervalMs));
      for (let i = 1; i < streaming.length; i++) expect(streaming[i] - streaming[i - 1]).toBeGreaterThanOrEqual(intervalMs);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps streaming through its own disconnect: appends wait and land in order', async () => {
    const { h, alice, turn } = await aliceAsks();
    turn.write('before ');
    await until(() => responses(alice.ctrl.store.getState())[0]?.text, 'the first word', { ok: (t) => t === 'before ' });
    h.transport.disconnect();
    for (const w of ['while ', 'away ', 'and ']) turn.write(w);
    await settle();
    expect(responses(alice.ctrl.store.getState())[0].text).toBe('before ');
    await h.transport.reconnect();
    turn.write('after');
    h.finish(turn.turnId);
    const s = await until(() => alice.ctrl.store.getState(), 'the answer', { ok: (s) => responses(s)[0]?.status === 'complete' });
    expect(responses(s)[0].text).toBe('before while away and after');
    expect(h.records[0].text).toBe('before while away and after');
  });
});

describe('createAgent: turns', () => {
  it('ends a response with error when the handler throws, and says why', async () => {
    const broker = createBroker();
    const records: TurnRecord[] = [];
    const agent = createAgent({
      transport: createMemoryTransport({ broker, clientId: 'agent' }),
      sessionId: 's',
      agentId: 'agent',
      batch: { intervalMs: 1, maxChars: 1 },
      onTurnEnd: (r) => records.push(r),
      handler: async (turn) => {
        turn.write('partial');
        await settle();
        throw new Error('model overloaded');
      },
    });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('q');
    const s = await until(() => alice.ctrl.store.getState(), 'the error', { ok: (s) => responses(s)[0]?.status === 'error' });
    expect(responses(s)[0]).toMatchObject({ text: 'partial', error: 'model overloaded' });
    expect(turnStatus(s, responses(s)[0].turnId)).toBe('error');
    expect(records[0]).toMatchObject({ status: 'error', aborted: false });
  });

  it('gives the handler the input and the earlier transcript', async () => {
    const broker = createBroker();
    const seen: Turn[] = [];
    const agent = createAgent({
      transport: createMemoryTransport({ broker, clientId: 'agent' }),
      sessionId: 's',
      agentId: 'echo',
      handler: (turn) => {
        seen.push(turn);
        turn.write(`you said: ${turn.input.text}`);
      },
    });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('one');
    await until(() => responses(alice.ctrl.store.getState())[0]?.status, 'first', { ok: (x) => x === 'complete' });
    await alice.ctrl.send('two');
    await until(() => responses(alice.ctrl.store.getState())[1]?.status, 'second', { ok: (x) => x === 'complete' });
    expect(seen[1].input).toMatchObject({ text: 'two', clientId: 'alice' });
    expect(seen[1].transcript).toEqual([
      { role: 'user', text: 'one' },
      { role: 'agent', text: 'you said: one', agentId: 'echo' },
    ]);
    expect(seen[1].agentId).toBe('echo');
    expect(seen[1].sessionId).toBe('s');
  });

  it('is present as an agent while started, and leaves when stopped, ending running turns', async () => {
    const broker = createBroker();
    const h = handDrivenAgent(broker, 's', { agentId: 'helper', name: 'Helpful' });
    await h.agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    const members = await until(() => alice.ctrl.store.getState().presence, 'two members', { ok: (p) => p.length === 2 });
    expect(members.find((m) => m.data.kind === 'agent')?.data).toMatchObject({ kind: 'agent', agentId: 'helper', name: 'Helpful' });
    await alice.ctrl.send('q');
    const turn = await until(() => h.turns[0], 'the turn', { ok: (t) => t !== undefined });
    turn.write('half');
    await h.agent.stop();
    const s = await until(() => alice.ctrl.store.getState(), 'the agent gone', { ok: (s) => s.presence.length === 1 && responses(s)[0]?.status === 'error' });
    expect(responses(s)[0]).toMatchObject({ text: 'half', error: 'Agent helper stopped.' });
    expect(h.agent.running).toBe(0);
  });
});

describe('several agents in one session', () => {
  it('each publishes its own response directly, and a cancel for one agent stops only that one', async () => {
    const broker = createBroker();
    const planner = handDrivenAgent(broker, 's', { agentId: 'planner' });
    const writer = handDrivenAgent(broker, 's', { agentId: 'writer' });
    await Promise.all([planner.agent.start(), writer.agent.start()]);
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await until(() => alice.ctrl.store.getState().presence.length, 'both agents present', { ok: (n) => n === 3 });
    await alice.ctrl.send('plan and write');
    const p = await until(() => planner.turns[0], 'planner turn', { ok: (t) => t !== undefined });
    const w = await until(() => writer.turns[0], 'writer turn', { ok: (t) => t !== undefined });
    expect(p.turnId).toBe(w.turnId);
    p.write('step 1');
    w.write('Dear reader');

    const r = await alice.ctrl.cancel({ kind: 'agent', agentId: 'writer' });
    expect(r.ok).toBe(true);
    await until(() => writer.aborted.length, 'writer aborted', { ok: (n) => n === 1 });
    await settle();
    expect(p.signal.aborted).toBe(false);
    p.write(', step 2');
    planner.finish(p.turnId);

    const s = await until(() => alice.ctrl.store.getState(), 'both ended', { ok: (s) => responses(s).length === 2 && responses(s).every((x) => x.status !== 'streaming') });
    expect(selectResponse(s, p.responseId)).toMatchObject({ agentId: 'planner', text: 'step 1, step 2', status: 'complete' });
    expect(selectResponse(s, w.responseId)).toMatchObject({ agentId: 'writer', text: 'Dear reader', status: 'cancelled' });
    // No relay: each response message was published by its own agent's connection.
    const stored = broker.channel('s').history({ limit: 100 }).items.filter((m) => m.name === 'agent.response');
    expect(stored.map((m) => [m.headers['ds-agent'], m.clientId]).sort()).toEqual([
      ['planner', 'planner'],
      ['writer', 'writer'],
    ]);
  });

  it('a cancel for everything stops every agent', async () => {
    const broker = createBroker();
    const a = handDrivenAgent(broker, 's', { agentId: 'a' });
    const b = handDrivenAgent(broker, 's', { agentId: 'b' });
    await Promise.all([a.agent.start(), b.agent.start()]);
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await until(() => alice.ctrl.store.getState().presence.length, 'both agents present', { ok: (n) => n === 3 });
    await alice.ctrl.send('q');
    await until(() => a.turns.length + b.turns.length, 'both turns', { ok: (n) => n === 2 });
    expect((await alice.ctrl.cancel({ kind: 'all' })).ok).toBe(true);
    const s = await until(() => alice.ctrl.store.getState(), 'both cancelled', { ok: (s) => responses(s).length === 2 && responses(s).every((x) => x.status === 'cancelled') });
    expect(turnStatus(s, a.turns[0].turnId)).toBe('cancelled');
    expect([...a.aborted, ...b.aborted]).toHaveLength(2);
  });
});

describe('agent catching up after losing continuity', () => {
  it('obeys a cancel published while its connection was replaced', async () => {
    const { h, alice, turn } = await aliceAsks();
    turn.write('working');
    h.transport.disconnect();
    expect((await alice.ctrl.cancel()).ok).toBe(true);
    await h.transport.forceDiscontinuity();
    await h.transport.reconnect();
    await until(() => h.aborted, 'the abort after catching up', { ok: (x) => x.includes(turn.turnId) });
    const s = await until(() => alice.ctrl.store.getState(), 'cancelled', { ok: (s) => responses(s)[0]?.status === 'cancelled' });
    expect(responses(s)[0].text).toBe('working');
  });
});

describe('streamFrom', () => {
  it('pipes an async iterable into the turn and returns what it wrote', async () => {
    const broker = createBroker();
    const returned: string[] = [];
    const agent = createAgent({
      transport: createMemoryTransport({ broker, clientId: 'agent' }),
      sessionId: 's',
      agentId: 'llm',
      handler: async (turn) => {
        async function* tokens() {
          for (const t of ['The ', 'quick ', 'brown ', 'fox']) yield t;
        }
        returned.push(await streamFrom(turn, tokens()));
      },
    });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('q');
    const s = await until(() => alice.ctrl.store.getState(), 'the answer', { ok: (s) => responses(s)[0]?.status === 'complete' });
    expect(responses(s)[0].text).toBe('The quick brown fox');
    expect(returned).toEqual(['The quick brown fox']);
  });

  it('stops pulling and closes the upstream iterator when the turn is cancelled', async () => {
    const broker = createBroker();
    let pulled = 0;
    let closed = false;
    let release: () => void = () => {};
    const agent = createAgent({
      transport: createMemoryTransport({ broker, clientId: 'agent' }),
      sessionId: 's',
      agentId: 'llm',
      batch: { intervalMs: 1, maxChars: 1 },
      handler: async (turn) => {
        const upstream: AsyncIterableIterator<string> = {
          [Symbol.asyncIterator]() {
            return this;
          },
          async next() {
            pulled++;
            if (pulled > 3) await new Promise<void>((r) => (release = r));
            return { value: `t${pulled} `, done: false };
          },
          async return() {
            closed = true;
            return { value: undefined, done: true };
          },
        };
        await streamFrom(turn, upstream);
      },
    });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('q');
    await until(() => responses(alice.ctrl.store.getState())[0]?.text, 'three tokens', { ok: (t) => t === 't1 t2 t3 ' });
    expect((await alice.ctrl.cancel()).ok).toBe(true);
    await until(() => responses(alice.ctrl.store.getState())[0]?.status, 'cancelled', { ok: (x) => x === 'cancelled' });
    release();
    await until(() => closed, 'the upstream to be closed', { ok: (c) => c });
    const pulls = pulled;
    await settle();
    expect(pulled).toBe(pulls);
    expect(responses(alice.ctrl.store.getState())[0].text).toBe('t1 t2 t3 ');
  });
});

describe('SteerQueue', () => {
  it('hands steers out in order, acknowledging each as it is taken, and returns untaken ones on close', async () => {
    const taken: string[] = [];
    const q = new SteerQueue((s) => taken.push(s.steerId));
    q.push({ steerId: 'a', text: '1' });
    q.push({ steerId: 'b', text: '2' });
    expect(q.size).toBe(2);
    expect(q.take()?.steerId).toBe('a');
    expect(taken).toEqual(['a']);
    const it = q[Symbol.asyncIterator]();
    expect((await it.next()).value?.steerId).toBe('b');
    const waiting = it.next();
    q.push({ steerId: 'c', text: '3' });
    expect((await waiting).value?.steerId).toBe('c');
    expect(taken).toEqual(['a', 'b', 'c']);
    q.push({ steerId: 'd', text: '4' });
    const left: Steer[] = q.close();
    expect(left.map((s) => s.steerId)).toEqual(['d']);
    expect(taken).toEqual(['a', 'b', 'c']);
    expect(await it.next()).toEqual({ value: undefined, done: true });
    q.push({ steerId: 'e', text: '5' });
    expect(q.size).toBe(0);
  });

  it('ends a pending iteration when closed', async () => {
    const q = new SteerQueue(() => {});
    const it = q[Symbol.asyncIterator]();
    const waiting = it.next();
    q.close();
    expect(await waiting).toEqual({ value: undefined, done: true });
  });
});

describe('demo agent', () => {
  it('is deterministic: the same prompt gives the same words, a different prompt different ones', () => {
    expect(demoTokens('hello', 30)).toEqual(demoTokens('hello', 30));
    expect(demoTokens('hello', 30)).not.toEqual(demoTokens('hello!', 30));
    expect(demoTokens('hello', 10)).toHaveLength(10);
    expect(demoTokens('hello', 10).at(-1)).toMatch(/[.!?]$/);
  });

  it('stops writing the moment it is cancelled', async () => {
    const broker = createBroker();
    const records: TurnRecord[] = [];
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent' }), sessionId: 's', thinkMs: 0, tokensPerSecond: 200, tokens: 200, onTurnEnd: (r) => records.push(r) });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('long answer');
    await until(() => responses(alice.ctrl.store.getState())[0]?.text.length ?? 0, 'first words', { ok: (n) => n > 0 });
    expect((await alice.ctrl.cancel()).ok).toBe(true);
    const record = await until(() => records[0], 'the record', { ok: (r) => r !== undefined });
    expect(record).toMatchObject({ status: 'cancelled', aborted: true });
    const words = record.text.split(' ');
    expect(words.length).toBeLessThan(200);
    expect(words).toEqual(demoTokens('long answer', 200).slice(0, words.length));
    await settle();
    const s = alice.ctrl.store.getState();
    expect(responses(s)[0]).toMatchObject({ status: 'cancelled', text: record.text });
  });
});
