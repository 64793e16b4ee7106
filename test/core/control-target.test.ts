import { describe, expect, it } from 'vitest';
import { cancelCovers, missingTarget, reachedTurns, resolveControlTarget, responsesInScope, targetedTurn, targetsResponse } from '../../src/core/control-target.js';
import { build, initialSessionState, parseEvent, reduceSession, type CancelRequest, type SessionAction, type SessionState, type WireMessage } from '../../src/core/index.js';

const serial = (k: number) => `01700000000000-${String(k).padStart(3, '0')}@t:0`;
function ev(k: number, m: Omit<WireMessage, 'timestamp' | 'serial' | 'version'>): SessionAction {
  const p = parseEvent({ serial: serial(k), version: serial(k), timestamp: 1, ...m });
  if (!p.ok) throw p.error;
  return { type: 'event', event: p.event };
}
const user = (k: number, turnId: string) => {
  const o = build.userMessage(turnId, 'q');
  return ev(k, { action: 'message.create', name: o.name, data: o.data, headers: o.headers ?? {} });
};
const response = (k: number, turnId: string, agentId: string, status: 'streaming' | 'complete') =>
  ev(k, { action: 'message.create', name: 'agent.response', data: '', headers: build.responseHeaders({ responseId: `r${k}`, agentId, turnId, status }) });

/** Turn t1 finished by agent a; turn t2 streamed by a and b; turn t3 still waiting for an answer. */
function session(): SessionState {
  return [user(1, 't1'), response(2, 't1', 'a', 'complete'), user(3, 't2'), response(4, 't2', 'a', 'streaming'), response(5, 't2', 'b', 'streaming'), user(6, 't3')].reduce(
    reduceSession,
    initialSessionState('s'),
  );
}

describe('control targets', () => {
  it('targetsResponse reads each kind of target', () => {
    const r = { turnId: 't', responseId: 'r', agentId: 'a' };
    expect([{ kind: 'all' }, { kind: 'agent', agentId: 'a' }, { kind: 'turn', turnId: 't' }, { kind: 'response', responseId: 'r' }].map((t) => targetsResponse(t as never, r))).toEqual([true, true, true, true]);
    expect([{ kind: 'agent', agentId: 'b' }, { kind: 'turn', turnId: 'u' }, { kind: 'response', responseId: 's' }].map((t) => targetsResponse(t as never, r))).toEqual([false, false, false]);
  });

  it('reachedTurns: a turn or response names its own; an agent or all reaches only what runs now', () => {
    const s = session();
    expect(reachedTurns(s, { kind: 'turn', turnId: 'x' })).toEqual(['x']);
    expect(reachedTurns(s, { kind: 'response', responseId: 'r2' })).toEqual(['t1']);
    expect(reachedTurns(s, { kind: 'response', responseId: 'nope' })).toEqual([]);
    expect(reachedTurns(s, { kind: 'agent', agentId: 'b' })).toEqual(['t2']);
    expect(reachedTurns(s, { kind: 'all' }).sort()).toEqual(['t2', 't3']);
  });

  it('targetedTurn and responsesInScope pick what a stop button acts on', () => {
    const s = session();
    expect(targetedTurn(s, undefined)).toBe('t3');
    expect(targetedTurn(s, { kind: 'agent', agentId: 'b' })).toBe('t2');
    expect(targetedTurn(s, { kind: 'response', responseId: 'r2' })).toBe('t1');
    expect(responsesInScope(s, 't2', undefined).map((r) => r.responseId)).toEqual(['r4', 'r5']);
    expect(responsesInScope(s, 't2', { kind: 'agent', agentId: 'a' }).map((r) => r.responseId)).toEqual(['r4']);
  });

  it('cancelCovers: one agent\'s cancel does not cover a turn another agent still answers', () => {
    const s = session();
    const c = (target: CancelRequest['target'], status: CancelRequest['status'] = 'sent'): CancelRequest => ({ controlId: 'c', target, status, at: 1, turnIds: reachedTurns(s, target) });
    const all = responsesInScope(s, 't2', undefined);
    expect(cancelCovers(c({ kind: 'agent', agentId: 'a' }), 't2', all)).toBe(false);
    expect(cancelCovers(c({ kind: 'agent', agentId: 'a' }), 't2', responsesInScope(s, 't2', { kind: 'agent', agentId: 'a' }))).toBe(true);
    expect(cancelCovers(c({ kind: 'turn', turnId: 't2' }), 't2', all)).toBe(true);
    expect(cancelCovers(c({ kind: 'turn', turnId: 't2' }, 'failed'), 't2', all)).toBe(false);
    expect(cancelCovers(c({ kind: 'all' }), 't1', responsesInScope(s, 't1', undefined))).toBe(false);
  });

  it('missingTarget and resolveControlTarget refuse what the session lacks, with a typed error', () => {
    const s = session();
    expect(missingTarget(s, { kind: 'agent', agentId: 'b' })).toBeUndefined();
    expect(missingTarget(s, { kind: 'agent', agentId: 'ghost' })).toEqual({ what: 'agent', id: 'ghost' });
    expect(resolveControlTarget(s, undefined, 'cancel')).toEqual({ kind: 'turn', turnId: 't3' });
    const unknown = resolveControlTarget(s, { kind: 'response', responseId: 'nope' }, 'cancel');
    expect(unknown).toMatchObject({ name: 'DurableSessionError', code: 'unknown_target' });
    expect(resolveControlTarget(initialSessionState('s'), undefined, 'steer')).toMatchObject({ code: 'invalid_state' });
  });
});
