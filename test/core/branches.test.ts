// The conversation tree on one broker with a real agent: what an edit, a branch pick and a regenerate
// do to each tab's path, and every refusal — each with nothing published and nothing lost.
import { describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../src/agent/index.js';
import { build } from '../../src/core/build-event.js';
import {
  createSessionController,
  DurableSessionError,
  entryOf,
  microtaskScheduler,
  parseEvent,
  selectBranchInfo,
  selectPathEntries,
  type SessionController,
  type SessionControllerOptions,
  type SessionState,
  type WireMessage,
} from '../../src/core/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { createBroker } from '../helpers/session-fixture.js';
import { until } from '../helpers/until.js';

type Broker = ReturnType<typeof createBroker>;
const shown = (s: SessionState) => selectPathEntries(s).map((e) => (e.kind === 'user' ? `Q ${e.text}` : `A ${e.text}`));

async function tab(broker: Broker, clientId: string, extra: Partial<SessionControllerOptions> = {}): Promise<SessionController> {
  const ctrl = createSessionController({ transport: createMemoryTransport({ broker, clientId }), sessionId: 's', scheduler: microtaskScheduler, viewStorage: null, ...extra });
  await ctrl.acquire();
  await until(() => ctrl.store.getState().connection.hydrated, 'hydration', { ok: Boolean });
  return ctrl;
}

async function echoAgent(broker: Broker, extra: { answerEditsOfOthers?: boolean } = {}): Promise<{ agent: Agent; errors: DurableSessionError[] }> {
  const errors: DurableSessionError[] = [];
  let n = 0;
  const agent = createAgent({
    transport: createMemoryTransport({ broker, clientId: 'agent' }),
    sessionId: 's',
    agentId: 'echo',
    ...extra,
    onError: (e) => errors.push(e),
    handler: (turn) => turn.write(`re: ${turn.input.text}${turn.input.text.startsWith('again') ? ` #${++n}` : ''}`),
  });
  await agent.start();
  return { agent, errors };
}

const showing = (c: SessionController, lines: string[]) => until(() => shown(c.store.getState()), lines.join(' | '), { ok: (got) => JSON.stringify(got) === JSON.stringify(lines) });
function keyOf(c: SessionController, text: string): string {
  const s = c.store.getState();
  const k = s.order.find((key) => entryOf(s, key)?.text === text);
  if (!k) throw new Error(`no entry "${text}"`);
  return k;
}
const published = (broker: Broker) => broker.channel('s').history({ direction: 'forwards', limit: 1000 }).items.length;

describe('branches', () => {
  it('a tab that does not follow new branches keeps its view when another tab edits, and follows its own edits', async () => {
    const broker = createBroker();
    await echoAgent(broker);
    const alice = await tab(broker, 'alice');
    const bob = await tab(broker, 'alice', { followBranches: false });
    await alice.send('one');
    await showing(bob, ['Q one', 'A re: one']);
    await alice.edit(keyOf(alice, 'one'), 'uno');
    await showing(alice, ['Q uno', 'A re: uno']);
    await until(() => bob.store.getState().order.length, 'the edit in the other tab', { ok: (n) => n === 4 });
    expect(shown(bob.store.getState())).toEqual(['Q one', 'A re: one']);
    expect(selectBranchInfo(bob.store.getState(), keyOf(bob, 'one'))).toMatchObject({ index: 0, count: 2 });
    // Bob's own edit is the branch he wants to see.
    await bob.edit(keyOf(bob, 'one'), 'eins');
    await showing(bob, ['Q eins', 'A re: eins']);
  });

  it('regenerated answers are versions of one branch point: a pick shows an older one, a newer one takes over again', async () => {
    const broker = createBroker();
    await echoAgent(broker);
    const alice = await tab(broker, 'alice');
    const bob = await tab(broker, 'bob');
    await alice.send('again');
    await showing(alice, ['Q again', 'A re: again #1']);
    const first = alice.store.getState().responses;
    await alice.regenerate(Object.keys(first)[0]);
    await showing(alice, ['Q again', 'A re: again #2']);
    alice.selectBranch(keyOf(alice, 're: again #2'), 0);
    expect(shown(alice.store.getState())).toEqual(['Q again', 'A re: again #1']);
    expect(shown(bob.store.getState())).toEqual(['Q again', 'A re: again #2']);
    // Another tab regenerates: the new version is followed here too.
    await bob.regenerate(Object.keys(first)[0]);
    await showing(alice, ['Q again', 'A re: again #3']);
  });

  it('a follow-up continues the branch the tab shows, and the agent is told only that path', async () => {
    const broker = createBroker();
    const transcripts: string[][] = [];
    const agent = createAgent({
      transport: createMemoryTransport({ broker, clientId: 'agent' }),
      sessionId: 's',
      agentId: 'echo',
      handler: (turn) => {
        transcripts.push(turn.transcript.map((l) => l.text));
        turn.write(`re: ${turn.input.text}`);
      },
    });
    await agent.start();
    const alice = await tab(broker, 'alice');
    await alice.send('a');
    await showing(alice, ['Q a', 'A re: a']);
    await alice.send('b');
    await showing(alice, ['Q a', 'A re: a', 'Q b', 'A re: b']);
    await alice.edit(keyOf(alice, 'a'), 'a2');
    await showing(alice, ['Q a2', 'A re: a2']);
    await alice.send('c');
    await showing(alice, ['Q a2', 'A re: a2', 'Q c', 'A re: c']);
    expect(transcripts).toEqual([[], ['a', 're: a'], [], ['a2', 're: a2']]);
  });
});

describe('branches and paging', () => {
  it('opens on the newest branch even when its older turns are pages away, and one loadOlder reads on until the path grows', async () => {
    const broker = createBroker();
    const log = broker.channel('s');
    const turn = (id: string, q: string, a: string, parent: string | null, edits?: string) => {
      const m = build.userMessage(id, q, { parent, ...(edits ? { edits } : {}) });
      log.create({ name: m.name, data: m.data, headers: m.headers ?? {} }, { clientId: 'alice' });
      const ids = { responseId: `r-${id}`, agentId: 'agent', turnId: id };
      const serial = log.create({ name: 'agent.response', data: '', headers: build.responseHeaders({ ...ids, status: 'streaming' }) }, { clientId: 'agent' });
      log.append(serial, { data: a, headers: build.responseHeaders({ ...ids, status: 'complete', offset: 0 }) }, { clientId: 'agent' });
    };
    for (let i = 0; i < 60; i++) turn(`t${i}`, `q${i}`, `a${i}`, i === 0 ? null : `t${i - 1}`);
    turn('t5b', 'q5 edited', 'a5 edited', 't4', 't5');
    const alice = await tab(broker, 'alice', { historyPageSize: 20 });
    // The newest page holds the edit and the end of the other branch: the edit is what is shown.
    expect(shown(alice.store.getState())).toEqual(['Q q5 edited', 'A a5 edited']);
    const read = await alice.loadOlder();
    // Pages of the other branch added nothing to the path; it read on until q4 (the edit's parent) came.
    expect(read).toBeGreaterThan(20);
    expect(shown(alice.store.getState()).slice(-4)).toEqual(['Q q4', 'A a4', 'Q q5 edited', 'A a5 edited']);
    expect(selectBranchInfo(alice.store.getState(), keyOf(alice, 'q5 edited'))).toMatchObject({ index: 1, count: 2 });
    while (alice.store.getState().paging.hasOlder) await alice.loadOlder();
    expect(shown(alice.store.getState())).toEqual([...Array.from({ length: 5 }, (_, i) => [`Q q${i}`, `A a${i}`]).flat(), 'Q q5 edited', 'A a5 edited']);
  });
});

describe('branches: bad input', () => {
  it('editing a message the session does not have, a pending one, or another participant’s is refused; nothing is published', async () => {
    const broker = createBroker();
    const alice = await tab(broker, 'alice');
    const bob = await tab(broker, 'bob');
    await alice.send('mine');
    await until(() => bob.store.getState().order.length, "alice's message", { ok: (n) => n === 1 });
    const count = published(broker);
    const before = bob.store.getState().order;

    const unknown = await bob.edit('no-such-key', 'x');
    expect(!unknown.ok && unknown.error.code).toBe('unknown_target');
    expect(!unknown.ok && unknown.error.message).toMatch(/no user message "no-such-key".*useThread\(\)\.ids/);
    const others = await bob.edit(keyOf(bob, 'mine'), 'x');
    expect(!others.ok && others.error.code).toBe('unauthorized');
    expect(!others.ok && others.error.message).toMatch(/only its author may edit it \(set allowEditingOthers/);
    const tooLong = await alice.edit(keyOf(alice, 'mine'), 'x'.repeat(20_000));
    expect(!tooLong.ok && tooLong.error.code).toBe('oversize');

    expect(published(broker)).toBe(count);
    expect(bob.store.getState().order).toBe(before);
    expect(bob.store.getState().errors.map((e) => e.code)).toEqual(['unknown_target', 'unauthorized']);

    // Allowed by option: the edit goes out as a branch, the original stays.
    const carol = await tab(broker, 'carol', { allowEditingOthers: true });
    expect((await carol.edit(keyOf(carol, 'mine'), 'ours now')).ok).toBe(true);
    await showing(carol, ['Q ours now']);
    expect(selectBranchInfo(carol.store.getState(), keyOf(carol, 'ours now'))).toMatchObject({ index: 1, count: 2 });
  });

  it('a pending message cannot be edited until the session has it', async () => {
    const broker = createBroker();
    const alice = await tab(broker, 'alice');
    const sending = alice.send('on its way');
    const r = await alice.edit(`local:${Object.keys(alice.store.getState().turns)[0]}`, 'changed');
    expect(!r.ok && r.error.code).toBe('invalid_state');
    await sending;
  });

  it('selecting a branch out of range, or of a message the session does not have, throws a typed error and changes nothing', async () => {
    const broker = createBroker();
    await echoAgent(broker);
    const alice = await tab(broker, 'alice');
    await alice.send('one');
    await showing(alice, ['Q one', 'A re: one']);
    const view = alice.store.getState().view;
    const err = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return e as DurableSessionError;
      }
      throw new Error('did not throw');
    };
    expect(err(() => alice.selectBranch(keyOf(alice, 'one'), 1))).toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/index 1 is out of range; message .* has 1 branch \(0–0\)/) });
    expect(err(() => alice.selectBranch(keyOf(alice, 'one'), -1)).code).toBe('invalid_argument');
    expect(err(() => alice.selectBranch(keyOf(alice, 'one'), 0.5)).code).toBe('invalid_argument');
    expect(err(() => alice.selectBranch('nope', 0)).code).toBe('unknown_target');
    expect(alice.store.getState().view).toBe(view);
    expect(shown(alice.store.getState())).toEqual(['Q one', 'A re: one']);
  });

  it('a malformed parent or edits is a typed error, and the store keeps everything it had', async () => {
    const broker = createBroker();
    const alice = await tab(broker, 'alice');
    await alice.send('kept');
    await showing(alice, ['Q kept']);
    const raw = createMemoryTransport({ broker, clientId: 'mallory' }).channel('s');
    await raw.attach();
    const before = alice.store.getState().order;
    for (const data of [{ text: 'x', parent: 5 }, { text: 'x', parent: '__proto__' }, { text: 'x', edits: '' }, { text: 'x', parent: 'has space' }]) {
      await raw.publish({ name: 'user.message', data, headers: { 'ds-turn': `t-${Math.random().toString(36).slice(2)}` } });
    }
    await until(() => alice.store.getState().errors.length, 'four errors', { ok: (n) => n === 4 });
    expect(alice.store.getState().errors.map((e) => e.code)).toEqual(['malformed_event', 'malformed_event', 'malformed_event', 'malformed_event']);
    expect(alice.store.getState().order).toBe(before);
    const ok = parseEvent({ serial: 's1', version: 's1', action: 'message.create', name: 'user.message', data: { text: 'first', parent: null }, headers: { 'ds-turn': 't1' }, timestamp: 1 } as WireMessage);
    expect(ok.ok && ok.event).toMatchObject({ parent: null });
  });

  it('a forged cycle of parents cannot hang the thread or hide the rest of it', async () => {
    const broker = createBroker();
    const alice = await tab(broker, 'alice');
    await alice.send('real');
    await showing(alice, ['Q real']);
    const raw = createMemoryTransport({ broker, clientId: 'mallory' }).channel('s');
    await raw.attach();
    await raw.publish(build.userMessage('loop-a', 'a', { parent: 'loop-b' }));
    await raw.publish(build.userMessage('loop-b', 'b', { parent: 'loop-a' }));
    await raw.publish(build.userMessage('self', 'self', { parent: 'self' }));
    await until(() => alice.store.getState().order.length, 'the forged messages', { ok: (n) => n === 4 });
    expect(shown(alice.store.getState())).toEqual(['Q real']);
  });

  it('an agent does not answer a forged edit of another participant’s message, unless told to', async () => {
    for (const answerEditsOfOthers of [false, true]) {
      const broker = createBroker();
      const { errors } = await echoAgent(broker, { answerEditsOfOthers });
      const alice = await tab(broker, 'alice');
      await alice.send('hello');
      await showing(alice, ['Q hello', 'A re: hello']);
      const turnId = Object.keys(alice.store.getState().turns)[0];
      const raw = createMemoryTransport({ broker, clientId: 'mallory' }).channel('s');
      await raw.attach();
      await raw.publish(build.userMessage('forged', 'hijacked', { parent: null, edits: turnId }));
      if (answerEditsOfOthers) {
        await showing(alice, ['Q hijacked', 'A re: hijacked']);
      } else {
        await until(() => errors.length, 'the refusal', { ok: (n) => n === 1 });
        expect(errors[0]).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/did not answer turn forged: it edits .* a message alice sent/) });
        await showing(alice, ['Q hijacked']);
        expect(alice.store.getState().turns.forged?.responseKeys).toEqual([]);
      }
    }
  });

  it('branch picks kept in storage come back on reload; garbage in storage is ignored', async () => {
    const broker = createBroker();
    await echoAgent(broker);
    const store = new Map<string, string>();
    const viewStorage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    const alice = await tab(broker, 'alice', { viewStorage });
    await alice.send('one');
    await showing(alice, ['Q one', 'A re: one']);
    await alice.edit(keyOf(alice, 'one'), 'two');
    await showing(alice, ['Q two', 'A re: two']);
    alice.selectBranch(keyOf(alice, 'two'), 0);
    await alice.stop();
    const again = await tab(broker, 'alice', { viewStorage });
    await showing(again, ['Q one', 'A re: one']);
    await again.stop();

    store.set('durable-sessions:view:s', '{"__proto__":{"pick":"x","seen":"y"},"":{"pick":5},"bad":null}');
    const fresh = await tab(broker, 'alice', { viewStorage });
    await showing(fresh, ['Q two', 'A re: two']);
    expect(fresh.store.getState().view.branches).toEqual({});
    expect(({} as Record<string, unknown>).pick).toBeUndefined();
    store.set('durable-sessions:view:s', 'not json');
    expect(() => createSessionController({ transport: createMemoryTransport({ broker, clientId: 'x' }), sessionId: 's', viewStorage })).not.toThrow();
  });

  it('a history page size outside 1–1000 is refused when the controller is made', () => {
    const transport = createMemoryTransport({ broker: createBroker(), clientId: 'x' });
    for (const historyPageSize of [0, 1001, 2.5]) {
      expect(() => createSessionController({ transport, sessionId: 's', historyPageSize })).toThrow(/historyPageSize must be an integer from 1 to 1000/);
    }
  });
});
