// Agent death, blips and takeover through the real `ably` SDK and the local server: the service, not
// the kit, notices a dead connection (after its presence grace), and the kit acts on that.
import type * as Ably from 'ably';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type AgentOptions, type TurnRecord } from '../../src/agent/index.js';
import { createSessionController, microtaskScheduler, type SessionController } from '../../src/core/index.js';
import { createServer, type LocalServer } from '../../src/server/index.js';
import { createAblyTransport, type AblyTransport } from '../../src/transports/ably.js';
import { responses } from '../helpers/session-fixture.js';
import { until } from '../helpers/until.js';

const WORDS = Array.from({ length: 30 }, (_, i) => `w${i} `);
const FULL = WORDS.join('');
const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)));
});

async function setup() {
  const server = await createServer({ port: 0, presenceGraceMs: 150 });
  open.push(server);
  const transport = (clientId: string) => {
    const t = createAblyTransport({ options: { ...(server.clientOptions() as Ably.ClientOptions), clientId, disconnectedRetryTimeout: 50, logLevel: 0 } });
    open.push(t);
    return t;
  };
  return { server, transport };
}

function writer(t: AblyTransport, gate: (n: number) => Promise<void>, extra: Partial<AgentOptions> = {}) {
  const records: TurnRecord[] = [];
  let n = 0;
  const agent = createAgent({
    transport: t,
    sessionId: 's',
    agentId: 'writer',
    batch: { intervalMs: 1, maxChars: 1 },
    takeoverAfterMs: 50,
    ...extra,
    onTurnEnd: (r) => records.push(r),
    handler: async (turn) => {
      let at = turn.resumed?.text.length ?? 0;
      for (const w of WORDS) {
        if (at >= w.length) {
          at -= w.length;
          continue;
        }
        turn.write(w);
        await gate(++n);
      }
    },
  });
  return { agent, records };
}

async function tabs(transport: (id: string) => AblyTransport): Promise<SessionController[]> {
  const out = ['alice', 'bob'].map((id) => createSessionController({ transport: transport(id), sessionId: 's', scheduler: microtaskScheduler, agentGoneMs: 100 }));
  await Promise.all(out.map((c) => c.acquire()));
  return out;
}

const never = new Promise<void>(() => undefined);
const tick = () => new Promise<void>((r) => setTimeout(r, 2));

describe('agent liveness over the local server and the real ably SDK', () => {
  it('an agent whose connection dies shows interrupted in every tab after the service drops its presence; the text is kept', async () => {
    const { server, transport } = await setup();
    const at = transport('agent-1');
    const w = writer(at, (n) => (n >= 5 ? never : tick()));
    await w.agent.start();
    const [alice, bob] = await tabs(transport);
    await alice.send('write');
    await until(() => responses(bob.store.getState())[0]?.text, 'five words', { ok: (t) => t === WORDS.slice(0, 5).join('') });
    // The socket dies and never comes back, as when the process is killed.
    server.dropConnection(at.client.connection.id!, 'unresumable', { holdUntil: never });
    for (const c of [alice, bob]) {
      const r = await until(() => responses(c.store.getState())[0], 'interrupted', { ok: (x) => x?.status === 'interrupted' });
      expect(r?.text).toBe(WORDS.slice(0, 5).join(''));
    }
  });

  it('an agent whose socket drops and resumes within the grace is never shown interrupted', async () => {
    const { server, transport } = await setup();
    const at = transport('agent-1');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const w = writer(at, (n) => (n === 5 ? held : tick()));
    await w.agent.start();
    const [alice, bob] = await tabs(transport);
    const seen = new Set<string>();
    for (const c of [alice, bob]) c.store.subscribe((s) => responses(s).forEach((r) => seen.add(r.status)));
    await alice.send('write');
    await until(() => responses(bob.store.getState())[0]?.text, 'five words', { ok: (t) => t === WORDS.slice(0, 5).join('') });
    let back!: () => void;
    const outage = new Promise<void>((r) => (back = r));
    server.dropConnection(at.client.connection.id!, 'now', { holdUntil: outage });
    await until(() => at.status, 'the agent to notice', { ok: (s) => s !== 'connected' });
    setTimeout(back, 40);
    await until(() => at.status, 'the agent back', { ok: (s) => s === 'connected' });
    release();
    for (const c of [alice, bob]) await until(() => responses(c.store.getState())[0], 'complete', { ok: (x) => x?.status === 'complete' });
    expect([...seen].sort()).toEqual(['complete', 'streaming']);
    expect(responses(alice.store.getState())[0].text).toBe(FULL);
  });

  it('a standby takes the turn over and finishes it: 0 lost, 0 duplicated', async () => {
    const { server, transport } = await setup();
    const primaryT = transport('agent-1');
    const primary = writer(primaryT, (n) => (n >= 7 ? never : tick()));
    const standby = writer(transport('agent-2'), tick, { standby: true });
    await Promise.all([primary.agent.start(), standby.agent.start()]);
    const [alice, bob] = await tabs(transport);
    await alice.send('write');
    await until(() => responses(bob.store.getState())[0]?.text, 'seven words', { ok: (t) => t === WORDS.slice(0, 7).join('') });
    server.dropConnection(primaryT.client.connection.id!, 'unresumable', { holdUntil: never });
    for (const c of [alice, bob]) {
      const r = await until(() => responses(c.store.getState())[0], 'the finished answer', { ok: (x) => x?.status === 'complete' });
      expect(r?.text).toBe(FULL);
      expect(responses(c.store.getState())).toHaveLength(1);
    }
    expect(standby.records).toHaveLength(1);
    expect(standby.records[0]).toMatchObject({ reason: 'takeover', text: FULL });
  });

  it('two standbys race for the orphan: exactly one answers', async () => {
    const { server, transport } = await setup();
    const primaryT = transport('agent-1');
    const primary = writer(primaryT, (n) => (n >= 6 ? never : tick()));
    const standbys = [writer(transport('agent-2'), tick, { standby: true }), writer(transport('agent-3'), tick, { standby: true })];
    await Promise.all([primary.agent.start(), ...standbys.map((w) => w.agent.start())]);
    const [alice] = await tabs(transport);
    await alice.send('write');
    await until(() => responses(alice.store.getState())[0]?.text, 'six words', { ok: (t) => t === WORDS.slice(0, 6).join('') });
    server.dropConnection(primaryT.client.connection.id!, 'unresumable', { holdUntil: never });
    await until(() => responses(alice.store.getState())[0], 'the finished answer', { ok: (x) => x?.status === 'complete' });
    await Promise.all(standbys.map((w) => w.agent.idle()));
    expect(standbys.map((w) => w.records.length).sort()).toEqual([0, 1]);
    expect(responses(alice.store.getState())[0].text).toBe(FULL);
  });

  it('a stop sent while no agent is alive is honoured by the instance that takes the turn over', async () => {
    const { server, transport } = await setup();
    const primaryT = transport('agent-1');
    const primary = writer(primaryT, (n) => (n >= 4 ? never : tick()));
    await primary.agent.start();
    const [alice, bob] = await tabs(transport);
    await alice.send('write');
    await until(() => responses(bob.store.getState())[0]?.text, 'four words', { ok: (t) => t === WORDS.slice(0, 4).join('') });
    server.dropConnection(primaryT.client.connection.id!, 'unresumable', { holdUntil: never });
    await until(() => responses(bob.store.getState())[0]?.status, 'interrupted', { ok: (st) => st === 'interrupted' });
    expect((await bob.cancel()).ok).toBe(true);
    const taker = writer(transport('agent-4'), tick);
    await taker.agent.start();
    for (const c of [alice, bob]) {
      const r = await until(() => responses(c.store.getState())[0], 'cancelled', { ok: (x) => x?.status === 'cancelled' });
      expect(r?.text).toBe(WORDS.slice(0, 4).join(''));
    }
    expect(taker.records).toEqual([]);
  });
});
