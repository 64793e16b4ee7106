import { describe, expect, it } from 'vitest';
import { createBroker, PresenceSet, type PresenceChange } from '../../src/broker/index.js';

function watch(p: PresenceSet): PresenceChange[] {
  const changes: PresenceChange[] = [];
  p.subscribe((c) => changes.push(c));
  return changes;
}

describe('PresenceSet', () => {
  it('enters one member per (connection, client); a repeated enter is an update', () => {
    const p = new PresenceSet();
    const changes = watch(p);
    p.enter('alice', 'conn-1', { kind: 'user', tabId: 'A' }, 1);
    p.enter('alice', 'conn-1', { kind: 'user', tabId: 'A', device: 'laptop' }, 2);
    p.enter('alice', 'conn-2', { kind: 'user', tabId: 'B' }, 3);
    expect(changes.map((c) => [c.action, c.member.key])).toEqual([
      ['enter', 'conn-1:alice'],
      ['update', 'conn-1:alice'],
      ['enter', 'conn-2:alice'],
    ]);
    expect(p.size).toBe(2);
    expect(p.list().find((m) => m.connectionId === 'conn-1')?.data).toEqual({ kind: 'user', tabId: 'A', device: 'laptop' });
  });

  it('updates data in place', () => {
    const p = new PresenceSet();
    p.enter('bot', 'c', { kind: 'agent', agentId: 'bot' });
    const changes = watch(p);
    p.update('bot', 'c', { kind: 'agent', agentId: 'bot', name: 'Bot' });
    expect(changes).toHaveLength(1);
    expect(changes[0].action).toBe('update');
    expect(p.list()).toHaveLength(1);
    expect(p.list()[0].data).toEqual({ kind: 'agent', agentId: 'bot', name: 'Bot' });
  });

  it('leaves one member, and a second leave is a no-op', () => {
    const p = new PresenceSet();
    p.enter('alice', 'c1', {});
    p.enter('bob', 'c2', {});
    const changes = watch(p);
    expect(p.leave('alice', 'c1', 9)?.action).toBe('leave');
    expect(p.leave('alice', 'c1')).toBeUndefined();
    expect(changes).toHaveLength(1);
    expect(changes[0].member).toMatchObject({ clientId: 'alice', connectionId: 'c1', timestamp: 9 });
    expect(p.list().map((m) => m.clientId)).toEqual(['bob']);
  });

  it('leaveConnection removes every member of that connection and only those', () => {
    const p = new PresenceSet();
    p.enter('alice', 'c1', {});
    p.enter('alice-agent', 'c1', {});
    p.enter('alice', 'c2', {});
    const changes = watch(p);
    const left = p.leaveConnection('c1');
    expect(left.map((c) => c.member.clientId).sort()).toEqual(['alice', 'alice-agent']);
    expect(changes.every((c) => c.action === 'leave')).toBe(true);
    expect(p.list().map((m) => m.key)).toEqual(['c2:alice']);
    expect(p.leaveConnection('c1')).toEqual([]);
  });

  it('stops notifying after unsubscribe', () => {
    const p = new PresenceSet();
    const seen: string[] = [];
    const off = p.subscribe((c) => seen.push(c.action));
    p.enter('a', 'c', {});
    off();
    p.leave('a', 'c');
    expect(seen).toEqual(['enter']);
  });
});

describe('Broker.dropConnection', () => {
  it('leaves the connection on every channel', () => {
    const broker = createBroker();
    broker.channel('s1').presence.enter('alice', 'c1', {});
    broker.channel('s2').presence.enter('alice', 'c1', {});
    broker.channel('s2').presence.enter('bob', 'c2', {});
    broker.dropConnection('c1');
    expect(broker.channel('s1').presence.size).toBe(0);
    expect(broker.channel('s2').presence.list().map((m) => m.clientId)).toEqual(['bob']);
  });
});
