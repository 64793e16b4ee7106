import { describe, expect, it } from 'vitest';
import type { DurableSessionError as ErrorType, SessionState } from '../../src/core/index.js';
import { build, DurableSessionError, Limits } from '../../src/core/index.js';
import { client, createBroker, responses } from '../helpers/session-fixture.js';
import { settle, until } from '../helpers/until.js';
import { handDrivenAgent } from './hand-driven-agent.js';

/** Every slice of the store except the error list, by reference: "unchanged" means not even copied. */
function slices(s: SessionState) {
  const { errors: _errors, ...rest } = s;
  return rest;
}

function expectUnchanged(after: SessionState, before: SessionState) {
  const a = slices(after);
  const b = slices(before);
  for (const k of Object.keys(b) as (keyof typeof b)[]) expect(a[k], `state.${k}`).toBe(b[k]);
}

async function session() {
  const broker = createBroker();
  const agentErrors: ErrorType[] = [];
  const h = handDrivenAgent(broker, 's', { onError: (e) => agentErrors.push(e) });
  await h.agent.start();
  const alice = client(broker, 'alice', 's');
  await alice.ctrl.acquire();
  await alice.ctrl.send('a normal question');
  const turn = await until(() => h.turns[0], 'the turn', { ok: (t) => t !== undefined });
  turn.write('a normal answer');
  h.finish(turn.turnId);
  await until(() => alice.ctrl.store.getState(), 'a settled session', { ok: (s) => responses(s)[0]?.status === 'complete' && s.presence.length === 2 });
  await settle();
  const reported: ErrorType[] = [];
  alice.ctrl.onError((e) => reported.push(e));
  // A broken listener must not break the session or throw into the app.
  alice.ctrl.onError(() => {
    throw new Error('listener bug');
  });
  return { broker, h, alice, reported, agentErrors };
}

describe('bad input from a hostile publisher', () => {
  const rh = build.responseHeaders({ responseId: 'r-x', agentId: 'evil', turnId: 't-x', status: 'streaming' });
  const hostile: [string, { name: string; data: unknown; headers?: Record<string, string> }, 'malformed_event' | 'unknown_event' | 'oversize'][] = [
    ['an unknown event name', { name: 'agent.telepathy', data: { text: 'boo' } }, 'unknown_event'],
    ['a user message with no text', { name: 'user.message', data: 'just a string', headers: { 'ds-turn': 't-x' } }, 'malformed_event'],
    ['a user message over the size limit', { name: 'user.message', data: { text: 'x'.repeat(Limits.maxInputChars + 1) }, headers: { 'ds-turn': 't-x' } }, 'malformed_event'],
    ['a user message with an id full of markup', { name: 'user.message', data: { text: 'hi' }, headers: { 'ds-turn': '<img src=x>' } }, 'malformed_event'],
    ['a response with an invented status', { name: 'agent.response', data: '', headers: { ...build.responseHeaders({ responseId: 'r-x', agentId: 'evil', turnId: 't-x', status: 'complete' }), 'ds-status': 'pwned' } }, 'malformed_event'],
    ['a response whose text is an object', { name: 'agent.response', data: { text: 'x' }, headers: build.responseHeaders({ responseId: 'r-x', agentId: 'evil', turnId: 't-x', status: 'complete' }) }, 'malformed_event'],
    ['a cancel with no target', { name: 'control.cancel', data: { controlId: 'c-x' } }, 'malformed_event'],
    ['a steer with a numeric target', { name: 'control.steer', data: { steerId: 's-x', text: 'go', target: 7 } }, 'malformed_event'],
    ['an agent status with no data', { name: 'agent.status', data: null }, 'malformed_event'],
    ['a response whose part record never closes', { name: 'agent.response', data: 'hi \u001e{"op":"source","id":"s1","url":"https://x.example"}', headers: rh }, 'malformed_event'],
    ['a response whose part record is not JSON', { name: 'agent.response', data: '\u001e{op: source}\u001e', headers: rh }, 'malformed_event'],
    ['a response with an unknown part kind', { name: 'agent.response', data: '\u001e{"op":"hologram","id":"h1"}\u001e', headers: rh }, 'malformed_event'],
    ['a response with a data part over the size limit', { name: 'agent.response', data: `\u001e${JSON.stringify({ op: 'data', id: 'd1', name: 'blob', data: 'x'.repeat(Limits.maxPartChars) })}\u001e`, headers: rh }, 'oversize'],
    ['a tool call with a name full of markup', { name: 'agent.response', data: '\u001e{"op":"tool","id":"c1","name":"<b>x</b>"}\u001e', headers: rh }, 'malformed_event'],
    ['a file part with a script URL', { name: 'agent.response', data: '\u001e{"op":"file","id":"f1","mediaType":"text/html","url":"javascript:alert(1)"}\u001e', headers: rh }, 'malformed_event'],
    ['an approval whose decision is not a boolean', { name: 'control.approval', data: { decisionId: 'a-x', responseId: 'r-x', toolCallId: 'c-x', approved: 'yes' } }, 'malformed_event'],
    ['a user message with a script attachment', { name: 'user.message', data: { text: 'hi', attachments: [{ type: 'file', mediaType: 'text/html', url: 'javascript:alert(1)' }] }, headers: { 'ds-turn': 't-x' } }, 'malformed_event'],
    ['a user message with too many attachments', { name: 'user.message', data: { text: 'hi', attachments: Array(Limits.maxAttachments + 1).fill({ type: 'file', mediaType: 'image/png', url: 'https://x.example/a.png' }) }, headers: { 'ds-turn': 't-x' } }, 'oversize'],
  ];

  it.each(hostile)('reports %s as a typed error and leaves the store untouched', async (_, message, code) => {
    const { broker, h, alice, reported, agentErrors } = await session();
    const before = alice.ctrl.store.getState();
    expect(() => broker.channel('s').create(message, { clientId: 'mallory' })).not.toThrow();
    const after = await until(() => alice.ctrl.store.getState(), 'the error to surface', { ok: (s) => s.errors.length === before.errors.length + 1 });
    const err = after.errors[after.errors.length - 1];
    expect(err).toBeInstanceOf(DurableSessionError);
    expect(err.code).toBe(code);
    expect(err.serial).toBe(broker.channel('s').channelSerial);
    expect(reported).toEqual([err]);
    expectUnchanged(after, before);
    // The agent saw the same junk, reported it, and still answers the next question.
    await until(() => agentErrors.length, 'the agent to report it', { ok: (n) => n === 1 });
    expect(agentErrors[0].code).toBe(code);
    await alice.ctrl.send('still there?');
    const turn = await until(() => h.turns[1], 'a second turn', { ok: (t) => t !== undefined });
    turn.write('yes');
    h.finish(turn.turnId);
    const s = await until(() => alice.ctrl.store.getState(), 'the second answer', { ok: (s) => responses(s)[1]?.status === 'complete' });
    expect(responses(s).map((r) => r.text)).toEqual(['a normal answer', 'yes']);
  });

  it('survives a burst of junk with the store intact and at most 20 errors kept', async () => {
    const { broker, alice, reported } = await session();
    const before = alice.ctrl.store.getState();
    for (let i = 0; i < 50; i++) broker.channel('s').create({ name: i % 2 ? 'nonsense' : 'user.message', data: i });
    await until(() => reported.length, 'fifty reports', { ok: (n) => n === 50 });
    const after = alice.ctrl.store.getState();
    expect(after.errors).toHaveLength(20);
    expectUnchanged(after, before);
  });
});

describe('bad input through the controller API', () => {
  it('refuses a cancel or steer for an unknown id with unknown_target, publishing nothing and throwing nothing', async () => {
    const { broker, alice, reported } = await session();
    const before = alice.ctrl.store.getState();
    const count = broker.channel('s').messageCount;
    const attempts = [
      alice.ctrl.cancel({ kind: 'response', responseId: 'resp-nope' }),
      alice.ctrl.cancel({ kind: 'turn', turnId: 'turn-nope' }),
      alice.ctrl.cancel({ kind: 'agent', agentId: 'nobody' }),
      alice.ctrl.steer('go left', { kind: 'response', responseId: 'resp-nope' }),
      alice.ctrl.steer('go left', { kind: 'turn', turnId: 'turn-nope' }),
    ];
    const results = await Promise.all(attempts);
    for (const r of results) {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toBeInstanceOf(DurableSessionError);
        expect(r.error.code).toBe('unknown_target');
      }
    }
    await settle();
    expect(broker.channel('s').messageCount).toBe(count);
    const after = alice.ctrl.store.getState();
    expect(after.errors.slice(-5).map((e) => e.code)).toEqual(Array(5).fill('unknown_target'));
    expect(reported.map((e) => e.code)).toEqual(Array(5).fill('unknown_target'));
    expectUnchanged(after, before);
  });

  it('refuses oversize, empty and pointless input with typed errors, nothing published', async () => {
    const { broker, alice } = await session();
    const before = alice.ctrl.store.getState();
    const count = broker.channel('s').messageCount;
    const huge = 'x'.repeat(Limits.maxInputChars + 1);
    const send = await alice.ctrl.send(huge);
    const steer = await alice.ctrl.steer(huge, { kind: 'all' });
    const empty = await alice.ctrl.send('   ');
    const nothingToStop = await alice.ctrl.cancel();
    expect([send, steer, empty, nothingToStop].map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['oversize', 'oversize', 'invalid_argument', 'invalid_state']);
    await settle();
    expect(broker.channel('s').messageCount).toBe(count);
    expectUnchanged(alice.ctrl.store.getState(), before);
  });

  it('keeps a message the channel refused, marked failed, and resolves instead of throwing', async () => {
    const broker = createBroker({ retention: { maxMessageBytes: 200 } });
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    const r = await alice.ctrl.send('y'.repeat(500));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('oversize');
    const s = alice.ctrl.store.getState();
    expect(s.order).toHaveLength(1);
    expect(s.entries[s.order[0]]).toMatchObject({ kind: 'user', pending: false, text: 'y'.repeat(500) });
    expect((s.entries[s.order[0]] as { failed?: DurableSessionError }).failed?.code).toBe('oversize');
    expect(broker.channel('s').messageCount).toBe(0);
  });

  it('ignores a raw cancel for an id nobody has, and the running turn goes on', async () => {
    const { h, alice } = await session();
    await alice.ctrl.send('next');
    const turn = await until(() => h.turns[1], 'the second turn', { ok: (t) => t !== undefined });
    await alice.transport.channel('s').publish(build.cancel('c-raw', { kind: 'response', responseId: 'resp-does-not-exist' }));
    await alice.transport.channel('s').publish(build.cancel('c-raw2', { kind: 'turn', turnId: 'turn-does-not-exist' }));
    await settle();
    expect(turn.signal.aborted).toBe(false);
    turn.write('unaffected');
    h.finish(turn.turnId);
    const s = await until(() => alice.ctrl.store.getState(), 'the answer', { ok: (s) => responses(s)[1]?.status === 'complete' });
    expect(responses(s)[1].text).toBe('unaffected');
  });
});
