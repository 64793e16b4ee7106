import { describe, expect, it } from 'vitest';
import { Listeners } from '../../src/core/listeners.js';
import { RecentMap, RecentSet } from '../../src/core/recent.js';
import { sessionWirePolicy } from '../../src/core/wire-policy.js';
import { build } from '../../src/core/build-event.js';

describe('RecentSet and RecentMap', () => {
  it('refuse a second copy and forget the oldest key beyond their bound', () => {
    const s = new RecentSet<string>(2);
    expect([s.add('a'), s.add('a'), s.add('b'), s.add('c')]).toEqual([true, false, true, true]);
    expect([s.has('a'), s.has('b'), s.has('c'), s.size]).toEqual([false, true, true, 2]);
    const m = new RecentMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3);
    expect([m.get('a'), m.get('c'), [...m.values()]]).toEqual([undefined, 3, [2, 3]]);
  });
});

describe('Listeners', () => {
  it('calls everyone registered when the emit began, even when one unsubscribes another mid-emit, and survives a throwing one with emitSafely', () => {
    const l = new Listeners<[number]>();
    const got: string[] = [];
    let offB = () => {};
    l.add((n) => {
      got.push(`a${n}`);
      offB();
    });
    offB = l.add((n) => got.push(`b${n}`));
    l.add(() => {
      throw new Error('broken');
    });
    expect(() => l.emit(1)).toThrow('broken');
    l.emitSafely(2);
    expect(got).toEqual(['a1', 'b1', 'a2']);
    expect(l.size).toBe(2);
  });
});

describe('sessionWirePolicy', () => {
  it('reads an append offset as a precondition and re-heads a trimmed delta', () => {
    const h = build.responseHeaders({ responseId: 'r', agentId: 'a', turnId: 't', status: 'streaming', offset: 12 });
    const p = sessionWirePolicy.appendPrecondition(h)!;
    expect(p.offset).toBe(12);
    expect(p.rebase(20)).toEqual({ ...h, 'ds-offset': '20' });
    expect(sessionWirePolicy.appendPrecondition({ 'ds-offset': '-1' })).toBeUndefined();
    expect(sessionWirePolicy.appendPrecondition(undefined)).toBeUndefined();
  });

  it('calls a final append settling, and nothing else', () => {
    const final = build.responseHeaders({ responseId: 'r', agentId: 'a', turnId: 't', status: 'complete', offset: 3 });
    expect(sessionWirePolicy.isSettling({ action: 'message.append', name: 'agent.response', headers: final })).toBe(true);
    expect(sessionWirePolicy.isSettling({ action: 'message.append', name: 'agent.response', headers: { ...final, 'ds-status': 'streaming' } })).toBe(false);
    expect(sessionWirePolicy.isSettling({ action: 'message.create', name: 'agent.response', headers: final })).toBe(false);
    expect(sessionWirePolicy.isSettling({ action: 'message.append', name: 'x', headers: { 'ds-status': 'bogus' } })).toBe(false);
  });
});
