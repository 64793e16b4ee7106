import { describe, expect, it } from 'vitest';
import {
  build,
  DurableSessionError,
  entryOf,
  initialSessionState,
  parseEvent,
  reduceSession,
  turnStatus,
  type ResponseEntry,
  type ResponseStatus,
  type SessionAction,
  type SessionEvent,
  type SessionState,
  type WireMessage,
} from '../../src/core/index.js';
import { seededRandom } from '../../src/core/random.js';

/** Serials shaped like the broker's, so string order is channel order. */
const serial = (n: number) => `01700000000000-${String(n).padStart(3, '0')}@t:0`;

function ev(m: Omit<WireMessage, 'timestamp'>): SessionAction {
  const p = parseEvent({ timestamp: 1, ...m });
  if (!p.ok) throw p.error;
  return { type: 'event', event: p.event };
}

function userMessage(n: number, turnId: string, text: string): SessionAction {
  const o = build.userMessage(turnId, text);
  return ev({ serial: serial(n), version: serial(n), action: 'message.create', name: o.name, data: o.data, headers: o.headers ?? {}, clientId: 'alice' });
}

/**
 * One response as the channel would carry it: a create at serial `at`, then one append per chunk at
 * the following serials, and the aggregate a history query returns at the end.
 */
function response(at: number, chunks: string[], opts: { responseId?: string; turnId?: string; final?: ResponseStatus } = {}) {
  const ids = { responseId: opts.responseId ?? 'r1', agentId: 'agent', turnId: opts.turnId ?? 't1' };
  const final = opts.final ?? 'complete';
  const create = ev({ serial: serial(at), version: serial(at), action: 'message.create', name: 'agent.response', data: '', headers: build.responseHeaders({ ...ids, status: 'streaming' }) });
  const appends: SessionAction[] = [];
  let offset = 0;
  chunks.forEach((c, i) => {
    const status = i === chunks.length - 1 ? final : 'streaming';
    appends.push(ev({ serial: serial(at), version: serial(at + 1 + i), action: 'message.append', name: 'agent.response', data: c, headers: build.responseHeaders({ ...ids, status, offset }) }));
    offset += c.length;
  });
  const aggregateAt = (k: number): SessionAction =>
    ev({
      serial: serial(at),
      version: k === 0 ? serial(at) : serial(at + k),
      action: k === 0 ? 'message.create' : 'message.update',
      name: 'agent.response',
      data: chunks.slice(0, k).join(''),
      headers: build.responseHeaders({ ...ids, status: k === chunks.length ? final : 'streaming' }),
    });
  return { create, appends, aggregate: aggregateAt(chunks.length), aggregateAt, text: chunks.join(''), key: serial(at) };
}

const run = (actions: SessionAction[], from: SessionState = initialSessionState('s')) => actions.reduce(reduceSession, from);
const entry = (s: SessionState, key: string) => entryOf(s, key) as ResponseEntry;
const CHUNKS = ['Hé', 'llo', ' 😀', ' wor', 'ld', '\n日本', ''];

describe('reduceSession: each (serial, version) applies once', () => {
  it('returns the same state object for an exact duplicate of anything already applied', () => {
    const r = response(2, CHUNKS);
    const all = [userMessage(1, 't1', 'hi'), r.create, ...r.appends];
    let s = initialSessionState('s');
    for (const a of all) {
      s = reduceSession(s, a);
      expect(reduceSession(s, a)).toBe(s);
    }
    for (const a of all) expect(reduceSession(s, a)).toBe(s);
    expect(entry(s, r.key).text).toBe(r.text);
    expect(entry(s, r.key).status).toBe('complete');
  });

  it('gives byte-identical text for 500 random in-order streams with duplicates and replayed prefixes', () => {
    const r = response(2, CHUNKS);
    const stream = [r.create, ...r.appends];
    const clean = run(stream);
    for (let seed = 1; seed <= 500; seed++) {
      const rnd = seededRandom(seed);
      const delivered: SessionAction[] = [];
      for (let i = 0; i < stream.length; i++) {
        delivered.push(stream[i]);
        if (rnd() < 0.3) delivered.push(stream[i]);
        // A resume that starts too early replays a prefix again.
        if (rnd() < 0.15) delivered.push(...stream.slice(Math.floor(rnd() * (i + 1)), i + 1));
      }
      const s = run(delivered);
      expect(entry(s, r.key).text).toBe(r.text);
      expect(entry(s, r.key).status).toBe('complete');
      expect(s.needsBackfill).toBe(false);
      expect(s.order).toEqual(clean.order);
      expect(s.entries).toEqual(clean.entries);
      expect(s.live).toEqual(clean.live);
    }
  });

  it('converges for 500 random reorders once the history aggregate arrives, never showing a corrupt prefix', () => {
    const r = response(2, CHUNKS);
    const stream = [r.create, ...r.appends];
    for (let seed = 1; seed <= 500; seed++) {
      const rnd = seededRandom(seed);
      const delivered = stream.flatMap((a) => (rnd() < 0.3 ? [a, a] : [a]));
      for (let i = delivered.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [delivered[i], delivered[j]] = [delivered[j], delivered[i]];
      }
      let s = initialSessionState('s');
      for (const a of delivered) {
        s = reduceSession(s, a);
        const e = entry(s, r.key);
        // Whatever arrived, what the client shows is always a prefix of the real text.
        if (e) expect(r.text.startsWith(e.text)).toBe(true);
      }
      const e = entry(s, r.key);
      if (e.text !== r.text || e.status !== 'complete') expect(s.needsBackfill || e.gap).toBe(true);
      s = reduceSession(s, r.aggregate);
      expect(entry(s, r.key).text).toBe(r.text);
      expect(entry(s, r.key).status).toBe('complete');
      expect(entry(s, r.key).gap).toBeUndefined();
      expect(s.order).toEqual([r.key]);
    }
  });
});

describe('reduceSession: gaps', () => {
  it('marks an append past the end as a gap and asks for a backfill, without touching the text', () => {
    const r = response(2, ['ab', 'cd', 'ef']);
    const s1 = run([r.create, r.appends[0]]);
    const s2 = reduceSession(s1, r.appends[2]);
    expect(entry(s2, r.key).text).toBe('ab');
    expect(entry(s2, r.key).gap).toBe(true);
    expect(s2.needsBackfill).toBe(true);
    // While waiting, even an in-order append is held off: the aggregate will carry it.
    expect(reduceSession(s2, r.appends[1])).toBe(s2);
    const s3 = reduceSession(s2, r.aggregate);
    expect(entry(s3, r.key)).toMatchObject({ text: 'abcdef', status: 'complete' });
    expect(entry(s3, r.key).gap).toBeUndefined();
  });

  it('holds a placeholder for a response first seen through a later append', () => {
    const r = response(2, ['ab', 'cd']);
    const s = run([r.appends[1]]);
    expect(entry(s, r.key)).toMatchObject({ text: '', status: 'streaming', gap: true, responseId: 'r1' });
    expect(s.responses.r1).toBe(r.key);
    expect(s.needsBackfill).toBe(true);
    const done = reduceSession(s, r.aggregate);
    expect(entry(done, r.key)).toMatchObject({ text: 'abcd', status: 'complete' });
  });

  it('keeps asking when a gap is found while a backfill is running', () => {
    const r = response(2, ['ab', 'cd', 'ef', 'gh']);
    let s = run([r.create, r.appends[0], r.appends[2]]);
    expect(s.needsBackfill).toBe(true);
    s = reduceSession(s, { type: 'backfill/start' });
    // The history was read here, after 'cd' and 'ef' but before 'gh'; 'gh' lands before the page does.
    s = reduceSession(s, r.appends[3]);
    s = reduceSession(s, r.aggregateAt(3));
    s = reduceSession(s, { type: 'backfill/done', at: 1, hydration: false });
    expect(entry(s, r.key).text).toBe('abcdef');
    expect(s.needsBackfill).toBe(true);
    s = reduceSession(s, { type: 'backfill/start' });
    s = reduceSession(s, r.aggregate);
    s = reduceSession(s, { type: 'backfill/done', at: 2, hydration: false });
    expect(entry(s, r.key)).toMatchObject({ text: 'abcdefgh', status: 'complete' });
    expect(s.needsBackfill).toBe(false);
    expect(s.connection.backfills).toBe(2);
  });

  it('ignores an older aggregate after newer deltas, and a late create after the first append', () => {
    const r = response(2, ['ab', 'cd', 'ef']);
    const s = run([r.appends[0], r.appends[1]]);
    expect(entry(s, r.key).text).toBe('abcd');
    expect(reduceSession(s, r.create)).toBe(s);
    expect(reduceSession(s, r.aggregateAt(1))).toBe(s);
    expect(entry(reduceSession(s, r.appends[2]), r.key).text).toBe('abcdef');
  });

  it('never reopens a finished response', () => {
    const r = response(2, ['ab', 'cd'], { final: 'cancelled' });
    const s = run([r.create, ...r.appends]);
    expect(entry(s, r.key).status).toBe('cancelled');
    const stray = ev({ serial: r.key, version: serial(99), action: 'message.append', name: 'agent.response', data: 'zz', headers: build.responseHeaders({ responseId: 'r1', agentId: 'agent', turnId: 't1', status: 'streaming', offset: 4 }) });
    expect(reduceSession(s, stray)).toBe(s);
  });
});

describe('reduceSession: thread shape', () => {
  it('orders entries by serial whatever the arrival order, with one entry per message', () => {
    const r1 = response(2, ['a'], { responseId: 'r1', turnId: 't1' });
    const r2 = response(20, ['b'], { responseId: 'r2', turnId: 't2' });
    const arrivals = [r2.aggregate, userMessage(10, 't2', 'second'), r1.aggregate, userMessage(1, 't1', 'first'), r2.aggregate, userMessage(10, 't2', 'second')];
    const s = run(arrivals);
    expect(s.order).toEqual([serial(1), serial(2), serial(10), serial(20)]);
    expect(s.turns.t1).toEqual({ userKey: serial(1), responseKeys: [serial(2)] });
    expect(s.turns.t2).toEqual({ userKey: serial(10), responseKeys: [serial(20)] });
  });

  it('replaces the optimistic user entry with the channel copy, once', () => {
    let s = reduceSession(initialSessionState('s'), { type: 'local/send', turnId: 't1', text: 'hello', clientId: 'alice', at: 5 });
    expect(s.order).toEqual(['local:t1']);
    expect(s.entries['local:t1']).toMatchObject({ pending: true, text: 'hello' });
    const echo = userMessage(3, 't1', 'hello');
    s = reduceSession(s, echo);
    expect(s.order).toEqual([serial(3)]);
    expect(s.entries['local:t1']).toBeUndefined();
    expect(s.entries[serial(3)]).toMatchObject({ pending: false, text: 'hello', turnId: 't1' });
    expect(reduceSession(s, echo)).toBe(s);
  });

  it('keeps finished entries referentially stable while another response streams', () => {
    const done = response(2, ['finished'], { responseId: 'r1', turnId: 't1' });
    const live = response(10, ['x', 'y', 'z'], { responseId: 'r2', turnId: 't2' });
    let s = run([userMessage(1, 't1', 'q'), done.create, ...done.appends, userMessage(9, 't2', 'q2'), live.create]);
    const before = { user: s.entries[serial(1)], resp: s.entries[done.key], order: s.order };
    for (const a of live.appends) s = reduceSession(s, a);
    expect(s.entries[serial(1)]).toBe(before.user);
    expect(s.entries[done.key]).toBe(before.resp);
    expect(s.order).toBe(before.order);
    expect(entry(s, live.key).text).toBe('xyz');
  });

  it('never downgrades a steer acknowledgement', () => {
    const ack = (status: 'received' | 'applied', n: number) => {
      const o = build.steerAck({ steerId: 'st1', agentId: 'agent', status, responseId: 'r1' });
      return ev({ serial: serial(n), version: serial(n), action: 'message.create', name: o.name, data: o.data, headers: {} });
    };
    let s = reduceSession(initialSessionState('s'), { type: 'local/steer', steerId: 'st1', text: 'shorter', target: { kind: 'all' }, at: 1 });
    s = reduceSession(s, ack('applied', 5));
    expect(s.steers.st1).toMatchObject({ status: 'applied', text: 'shorter', agentId: 'agent', responseId: 'r1' });
    expect(reduceSession(s, ack('received', 4))).toBe(s);
    expect(reduceSession(s, { type: 'local/control-sent', id: 'st1' })).toBe(s);
  });

  it("lets one agent's applied win over another's rejection, in either order", () => {
    const ack = (agentId: string, status: 'rejected' | 'applied', n: number) => {
      const o = build.steerAck(status === 'rejected' ? { steerId: 'st1', agentId, status, reason: 'The turn ended before the steer was applied.' } : { steerId: 'st1', agentId, status });
      return ev({ serial: serial(n), version: serial(n), action: 'message.create', name: o.name, data: o.data, headers: {} });
    };
    const start = reduceSession(initialSessionState('s'), { type: 'local/steer', steerId: 'st1', text: 'more', target: { kind: 'turn', turnId: 't1' }, at: 1 });
    const refusedFirst = run([ack('quick', 'rejected', 5), ack('slow', 'applied', 6)], start);
    const appliedFirst = run([ack('slow', 'applied', 5), ack('quick', 'rejected', 6)], start);
    for (const s of [refusedFirst, appliedFirst]) {
      expect(s.steers.st1).toMatchObject({ status: 'applied', agentId: 'slow' });
      expect(s.steers.st1.reason).toBeUndefined();
    }
    expect(run([ack('quick', 'rejected', 5)], start).steers.st1).toMatchObject({ status: 'rejected', agentId: 'quick', reason: 'The turn ended before the steer was applied.' });
  });

  it('keeps at most 20 errors, newest last', () => {
    let s = initialSessionState('s');
    for (let i = 0; i < 25; i++) s = reduceSession(s, { type: 'error', error: new DurableSessionError('malformed_event', `e${i}`) });
    expect(s.errors).toHaveLength(20);
    expect(s.errors[0].message).toBe('e5');
    expect(s.errors[19].message).toBe('e24');
  });
});

describe('parseEvent on the reducer path', () => {
  it('round-trips every builder through parseEvent', () => {
    const wire = (o: { name: string; data: unknown; headers?: Record<string, string> }, action: WireMessage['action'] = 'message.create'): SessionEvent => {
      const p = parseEvent({ serial: serial(1), version: serial(1), action, name: o.name, data: o.data, headers: o.headers ?? {}, timestamp: 1 });
      if (!p.ok) throw p.error;
      return p.event;
    };
    expect(wire(build.userMessage('t1', 'hi'))).toMatchObject({ type: 'user.message', turnId: 't1', text: 'hi' });
    expect(wire(build.cancel('c1', { kind: 'turn', turnId: 't1' }, 'user'))).toMatchObject({ type: 'control.cancel', controlId: 'c1', target: { kind: 'turn', turnId: 't1' }, reason: 'user' });
    expect(wire(build.steer('s1', 'be brief', { kind: 'response', responseId: 'r1' }))).toMatchObject({ type: 'control.steer', steerId: 's1', text: 'be brief' });
    expect(wire(build.steerAck({ steerId: 's1', agentId: 'a', status: 'rejected', reason: 'no turn' }))).toMatchObject({ type: 'control.steer-ack', status: 'rejected', reason: 'no turn' });
    expect(wire(build.agentStatus('a', 'thinking', 't1'))).toMatchObject({ type: 'agent.status', agentId: 'a', state: 'thinking', turnId: 't1' });
    const headers = build.responseHeaders({ responseId: 'r1', agentId: 'a', turnId: 't1', status: 'error', offset: 7, error: 'boom' });
    expect(wire({ name: 'agent.response', data: 'xy', headers }, 'message.append')).toMatchObject({ type: 'agent.response', offset: 7, text: 'xy', status: 'error', error: 'boom' });
  });
});

describe('turnStatus: each agent\'s newest answer, in channel order', () => {
  it('an older version backfilled after the newer one does not decide the turn', () => {
    const first = response(2, ['par', 'tial'], { responseId: 'r1', final: 'interrupted' });
    const retried = response(10, ['whole ', 'answer'], { responseId: 'r2' });
    const asked = userMessage(1, 't1', 'q');
    // The newest page holds the retry; the interrupted first answer arrives with an older page.
    const backfilledLate = run([asked, retried.aggregate, first.aggregate]);
    const inOrder = run([asked, first.aggregate, retried.aggregate]);
    expect(turnStatus(inOrder, 't1')).toBe('complete');
    expect(turnStatus(backfilledLate, 't1')).toBe('complete');
  });
});

describe('controls whose publish seemed to fail', () => {
  it('a steer that lands after all is sent, like a cancel; an ack is never undone', () => {
    const target = { kind: 'turn', turnId: 't1' } as const;
    const o = build.steer('st1', 'shorter', target);
    const seen = ev({ serial: serial(5), version: serial(5), action: 'message.create', name: o.name, data: o.data, headers: o.headers ?? {}, clientId: 'alice' });
    const failed = run([
      userMessage(1, 't1', 'q'),
      { type: 'local/steer', steerId: 'st1', text: 'shorter', target, at: 1 },
      { type: 'local/control-failed', id: 'st1', error: new DurableSessionError('transport', 'timed out') },
    ]);
    expect(failed.steers.st1.status).toBe('failed');
    expect(run([seen], failed).steers.st1.status).toBe('sent');
    const ack = build.steerAck({ steerId: 'st1', agentId: 'agent', status: 'applied' });
    const applied = run([seen, ev({ serial: serial(6), version: serial(6), action: 'message.create', name: ack.name, data: ack.data, headers: ack.headers ?? {} })], failed);
    expect(applied.steers.st1.status).toBe('applied');
    expect(run([seen], applied)).toBe(applied);
  });
});
