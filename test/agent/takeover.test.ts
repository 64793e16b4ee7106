import { describe, expect, it } from 'vitest';
import { createAgent, delay, type Agent, type AgentOptions, type TurnRecord } from '../../src/agent/index.js';
import { createSessionController, microtaskScheduler, selectResponse, selectVersions, type ResponseEntry } from '../../src/core/index.js';
import { createMemoryTransport, type MemoryTransport } from '../../src/transports/memory.js';
import { createBroker, responses } from '../helpers/session-fixture.js';
import { until } from '../helpers/until.js';
import type { Broker } from '../../src/broker/index.js';

const FULL = Array.from({ length: 40 }, (_, i) => `w${i} `).join('');

/** An agent that writes FULL one word at a time, continuing after whatever a takeover found written. */
function wordAgent(broker: Broker, clientId: string, extra: Partial<AgentOptions> & { gate?: () => Promise<void> } = {}) {
  const transport = createMemoryTransport({ broker, clientId });
  const records: TurnRecord[] = [];
  const takeovers: string[] = [];
  const agent = createAgent({
    transport,
    sessionId: 's',
    agentId: 'writer',
    batch: { intervalMs: 1, maxChars: 1 },
    takeoverAfterMs: 30,
    ...extra,
    onTurnEnd: (r) => records.push(r),
    onTakeover: (t) => takeovers.push(t.responseId),
    handler: async (turn) => {
      const words = FULL.split(/(?<= )/);
      let at = turn.resumed?.text.length ?? 0;
      for (const w of words) {
        if (at >= w.length) {
          at -= w.length;
          continue;
        }
        if (turn.signal.aborted || transport.status === 'closed') return;
        turn.write(w);
        await (extra.gate ? extra.gate() : delay(2, turn.signal));
      }
    },
  });
  return { agent, transport, records, takeovers };
}

function tab(broker: Broker, clientId: string) {
  const transport = createMemoryTransport({ broker, clientId });
  const ctrl = createSessionController({ transport, sessionId: 's', scheduler: microtaskScheduler, agentGoneMs: 40 });
  const statuses: string[] = [];
  ctrl.store.subscribe((s) => {
    const r = responses(s)[0];
    if (r && statuses.at(-1) !== r.status) statuses.push(r.status);
  });
  return { transport, ctrl, statuses };
}

/** Kills an agent the way a crash does: the connection goes, nothing is ended or left politely. */
async function kill(t: MemoryTransport) {
  await t.close();
}

async function askAndWaitForWords(broker: Broker, a: Agent, words: number) {
  await a.start();
  const alice = tab(broker, 'alice');
  const bob = tab(broker, 'bob');
  await Promise.all([alice.ctrl.acquire(), bob.ctrl.acquire()]);
  await alice.ctrl.send('write');
  for (const t of [alice, bob]) await until(() => responses(t.ctrl.store.getState())[0]?.text ?? '', 'some words', { ok: (x) => x.split(' ').length > words });
  return { alice, bob };
}

describe('liveness: a response whose agent died does not stay streaming', () => {
  it('every tab shows interrupted once the instance left presence, and keeps the text', async () => {
    const broker = createBroker();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let n = 0;
    const w = wordAgent(broker, 'agent-1', { gate: () => (++n > 5 ? held : Promise.resolve()) });
    const { alice, bob } = await askAndWaitForWords(broker, w.agent, 4);
    await kill(w.transport);
    for (const t of [alice, bob]) {
      const r = await until(() => responses(t.ctrl.store.getState())[0], 'interrupted', { ok: (x) => x?.status === 'interrupted' });
      expect(r?.text).toBe(FULL.split(/(?<= )/).slice(0, 6).join(''));
    }
    release();
  });

  it('an agent whose connection blips and resumes is never shown interrupted', async () => {
    const broker = createBroker();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let n = 0;
    const w = wordAgent(broker, 'agent-1', { gate: () => (++n === 5 ? held : delay(1)) });
    const { alice, bob } = await askAndWaitForWords(broker, w.agent, 3);
    w.transport.disconnect();
    // Longer than the tabs' grace: the instance is still present (the service keeps a resumable
    // connection's presence), so nothing may be called interrupted.
    await until(() => Date.now(), 'time to pass', { ok: ((t0) => (t: number) => t - t0 > 120)(Date.now()) });
    await w.transport.reconnect();
    release();
    for (const t of [alice, bob]) await until(() => responses(t.ctrl.store.getState())[0], 'complete', { ok: (x) => x?.status === 'complete' });
    for (const t of [alice, bob]) {
      expect(t.statuses).toEqual(['streaming', 'complete']);
      expect(responses(t.ctrl.store.getState())[0].text).toBe(FULL);
    }
  });
});

describe('takeover', () => {
  it('a standby continues the same response from its durable text: 0 lost, 0 duplicated, in every tab', async () => {
    const broker = createBroker();
    let n = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const primary = wordAgent(broker, 'agent-1', { gate: () => (++n > 8 ? held : Promise.resolve()) });
    const standby = wordAgent(broker, 'agent-2', { standby: true });
    await standby.agent.start();
    const { alice, bob } = await askAndWaitForWords(broker, primary.agent, 6);
    await kill(primary.transport);
    release();
    for (const t of [alice, bob]) {
      const r = await until(() => responses(t.ctrl.store.getState())[0], 'the taken-over answer', { ok: (x) => x?.status === 'complete' });
      expect(r?.text).toBe(FULL);
      expect(responses(t.ctrl.store.getState())).toHaveLength(1);
    }
    expect(standby.takeovers).toHaveLength(1);
    expect(standby.records[0]).toMatchObject({ reason: 'takeover', text: FULL, status: 'complete' });
  });

  it('two standbys race: exactly one takes the turn over', async () => {
    const broker = createBroker();
    let n = 0;
    const primary = wordAgent(broker, 'agent-1', { gate: () => (++n > 5 ? new Promise(() => undefined) : Promise.resolve()) });
    const s1 = wordAgent(broker, 'agent-2', { standby: true });
    const s2 = wordAgent(broker, 'agent-3', { standby: true });
    await Promise.all([s1.agent.start(), s2.agent.start()]);
    const { alice } = await askAndWaitForWords(broker, primary.agent, 4);
    await kill(primary.transport);
    await until(() => responses(alice.ctrl.store.getState())[0], 'complete', { ok: (x) => x?.status === 'complete' });
    await Promise.all([s1.agent.idle(), s2.agent.idle()]);
    expect(s1.takeovers.length + s2.takeovers.length).toBe(1);
    expect(s1.records.length + s2.records.length).toBe(1);
    expect(responses(alice.ctrl.store.getState())[0].text).toBe(FULL);
  });

  it('a stop sent while no agent was alive is honoured by the taker', async () => {
    const broker = createBroker();
    let n = 0;
    const primary = wordAgent(broker, 'agent-1', { gate: () => (++n > 5 ? new Promise(() => undefined) : Promise.resolve()) });
    const { alice, bob } = await askAndWaitForWords(broker, primary.agent, 4);
    await kill(primary.transport);
    await until(() => responses(bob.ctrl.store.getState())[0]?.status, 'interrupted', { ok: (s) => s === 'interrupted' });
    const text = responses(bob.ctrl.store.getState())[0].text;
    expect((await alice.ctrl.cancel()).ok).toBe(true);
    const restarted = wordAgent(broker, 'agent-1b');
    await restarted.agent.start();
    for (const t of [alice, bob]) {
      const r = await until(() => responses(t.ctrl.store.getState())[0], 'cancelled', { ok: (x) => x?.status === 'cancelled' });
      expect(r?.text).toBe(text);
    }
    expect(restarted.takeovers).toHaveLength(1);
    expect(restarted.records).toEqual([]);
  });
});

describe('retry and regenerate', () => {
  it('retry an interrupted response: a new version answers, the old one ends interrupted for good, both addressable', async () => {
    const broker = createBroker();
    let n = 0;
    const primary = wordAgent(broker, 'agent-1', { gate: () => (++n > 5 ? new Promise(() => undefined) : Promise.resolve()) });
    const { alice, bob } = await askAndWaitForWords(broker, primary.agent, 4);
    await kill(primary.transport);
    const first = await until(() => responses(bob.ctrl.store.getState())[0], 'interrupted', { ok: (x) => x?.status === 'interrupted' });
    const again = wordAgent(broker, 'agent-1b', { takeover: 'off' });
    await again.agent.start();
    expect((await bob.ctrl.retry(first!.responseId)).ok).toBe(true);
    for (const t of [alice, bob]) {
      const versions = await until(() => selectVersions(t.ctrl.store.getState(), first!.responseId), 'two versions', { ok: (v: ResponseEntry[]) => v.length === 2 && v[1].status === 'complete' });
      expect(versions.map((v) => v.status)).toEqual(['interrupted', 'complete']);
      expect(versions[1].text).toBe(FULL);
      expect(versions[0].interruptedLocally).toBeUndefined();
    }
    expect(again.records[0].reason).toBe('retry');
  });

  it('regenerate a finished response, and refuse a retry of a complete or unknown one', async () => {
    const broker = createBroker();
    const w = wordAgent(broker, 'agent-1');
    const { alice } = await askAndWaitForWords(broker, w.agent, 1);
    const done = await until(() => responses(alice.ctrl.store.getState())[0], 'complete', { ok: (x) => x?.status === 'complete' });
    const bad = await alice.ctrl.retry(done!.responseId);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/regenerate/) });
    const unknown = await alice.ctrl.regenerate('resp-nope');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.code).toBe('unknown_target');
    expect((await alice.ctrl.regenerate(done!.responseId)).ok).toBe(true);
    const versions = await until(() => selectVersions(alice.ctrl.store.getState(), done!.responseId), 'a second version', { ok: (v) => v.length === 2 && v[1].status === 'complete' });
    expect(versions[1].text).toBe(FULL);
    expect(selectResponse(alice.ctrl.store.getState(), done!.responseId)?.status).toBe('complete');
    expect(w.records.map((r) => r.reason)).toEqual(['message', 'regenerate']);
  });
});
