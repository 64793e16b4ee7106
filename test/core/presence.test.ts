import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../src/core/index.js';
import { client, createBroker } from '../helpers/session-fixture.js';
import { settle, until } from '../helpers/until.js';
import { handDrivenAgent } from './hand-driven-agent.js';

const who = (s: SessionState) => s.presence.map((m) => `${m.data.kind}:${m.clientId}`).sort();

describe('presence through the controller', () => {
  it('shows every tab and agent, and drops a tab when it closes', async () => {
    const broker = createBroker();
    const h = handDrivenAgent(broker, 's', { agentId: 'helper' });
    await h.agent.start();
    const alice = client(broker, 'alice', 's');
    const bob = client(broker, 'bob', 's');
    await Promise.all([alice.ctrl.acquire(), bob.ctrl.acquire()]);
    await until(() => who(alice.ctrl.store.getState()), 'three members', { ok: (w) => w.length === 3 });
    expect(who(alice.ctrl.store.getState())).toEqual(['agent:helper', 'user:alice', 'user:bob']);
    expect(alice.ctrl.store.getState().presence.find((m) => m.clientId === 'bob')?.data).toMatchObject({ kind: 'user', device: 'bob', tabId: bob.ctrl.tabId });
    await bob.transport.close();
    await until(() => who(alice.ctrl.store.getState()), 'bob to leave', { ok: (w) => w.length === 2 });
    expect(who(alice.ctrl.store.getState())).toEqual(['agent:helper', 'user:alice']);
  });

  it('keeps one entry per tab through a resume and through a discontinuity', async () => {
    const broker = createBroker();
    const alice = client(broker, 'alice', 's');
    const bob = client(broker, 'bob', 's');
    await Promise.all([alice.ctrl.acquire(), bob.ctrl.acquire()]);
    await until(() => bob.ctrl.store.getState().presence.length, 'two members', { ok: (n) => n === 2 });
    alice.transport.disconnect();
    await alice.transport.reconnect();
    await alice.transport.forceDiscontinuity();
    for (const c of [alice, bob]) {
      const s = await until(() => c.ctrl.store.getState(), `${c.transport.clientId} to see alice's new connection`, { ok: (s) => s.presence.some((m) => m.connectionId === alice.transport.connectionId) });
      expect(who(s)).toEqual(['user:alice', 'user:bob']);
    }
    expect(broker.channel('s').presence.size).toBe(2);
  });

  it('enters once when acquired, released and acquired again in one tick (a StrictMode double mount)', async () => {
    const broker = createBroker();
    const alice = client(broker, 'alice', 's');
    const ch = alice.transport.channel('s');
    const subscribe = ch.subscribe.bind(ch);
    let subscriptions = 0;
    ch.subscribe = (l) => {
      subscriptions++;
      return subscribe(l);
    };
    const first = alice.ctrl.acquire();
    alice.ctrl.release();
    await Promise.all([first, alice.ctrl.acquire()]);
    await settle();
    expect(broker.channel('s').presence.size).toBe(1);
    expect(alice.ctrl.store.getState().presence).toHaveLength(1);
    expect(subscriptions).toBe(1);
    const bob = client(broker, 'bob', 's');
    await bob.ctrl.acquire();
    await bob.ctrl.send('hello');
    const s = await until(() => alice.ctrl.store.getState(), 'the message', { ok: (s) => s.order.length === 1 });
    expect(s.order).toHaveLength(1);
    // The last release leaves presence, after a tick.
    alice.ctrl.release();
    await until(() => broker.channel('s').presence.list().map((m) => m.clientId), 'alice to leave', { ok: (ids) => !ids.includes('alice') });
  });
});
