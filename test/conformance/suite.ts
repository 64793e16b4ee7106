import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type TurnRecord } from '../../src/agent/index.js';
import { build } from '../../src/core/build-event.js';
import type { WireMessage } from '../../src/core/protocol.js';
import type { ConnectionChange, PresenceMember, SessionTransport, TransportChannel } from '../../src/core/transport.js';
import { until } from '../helpers/until.js';
import { branchConformance } from './branch-cases.js';
import { partsConformance } from './parts-cases.js';

/** What the suite needs from a transport under test. */
export interface ConformanceHarness {
  /** A new, connected client connection. */
  connect(clientId: string): Promise<SessionTransport>;
  /**
   * Cuts `t`'s connection, runs `meanwhile` (others keep publishing), and brings `t` back: resuming
   * (`resume: true`) or as a new connection whose channels lost continuity. Resolves once `t` is
   * connected again.
   */
  interrupt(t: SessionTransport, meanwhile: () => Promise<void>, opts: { resume: boolean }): Promise<void>;
  close(): Promise<void>;
}

const WAIT_MS = 15_000;

/** A subscriber's view: every delivery, and each message's text folded as the reducer folds it. */
class Recorder {
  readonly deliveries: WireMessage[] = [];
  readonly text = new Map<string, string>();
  readonly headers = new Map<string, Record<string, string>>();
  readonly add = (m: WireMessage): void => {
    this.deliveries.push(m);
    const data = typeof m.data === 'string' ? m.data : JSON.stringify(m.data);
    this.text.set(m.serial, m.action === 'message.append' ? (this.text.get(m.serial) ?? '') + data : data);
    this.headers.set(m.serial, m.headers);
  };
  of(serial: string): WireMessage[] {
    return this.deliveries.filter((d) => d.serial === serial);
  }
  names(): string[] {
    return this.deliveries.map((d) => String((d.data as { text?: string } | null)?.text ?? d.data));
  }
}

async function attached(t: SessionTransport, session: string): Promise<{ ch: TransportChannel; rec: Recorder }> {
  const ch = t.channel(session);
  const rec = new Recorder();
  ch.subscribe(rec.add);
  await ch.attach();
  return { ch, rec };
}

const streaming = (status: string, offset: number, id = 'r1') =>
  build.responseHeaders({ responseId: id, agentId: 'agent-1', turnId: 't1', status: status as 'streaming', offset });

async function allHistory(ch: TransportChannel, untilAttach: boolean, limit = 100): Promise<WireMessage[]> {
  let page = await ch.history({ direction: 'forwards', limit, untilAttach });
  const out = [...page.items];
  while (page.hasNext()) {
    const next = await page.next();
    if (!next) break;
    page = next;
    out.push(...page.items);
  }
  return out;
}

/** The behaviour every SessionTransport must have. Written once; run against each transport. */
export function runConformance(name: string, makeHarness: () => Promise<ConformanceHarness>): void {
  describe(`SessionTransport conformance: ${name}`, () => {
    let h: ConformanceHarness;
    let session: string;
    let n = 0;
    beforeEach(async () => {
      h = await makeHarness();
      session = `session:conf-${++n}-${Math.random().toString(36).slice(2, 8)}`;
    });
    afterEach(async () => {
      await h.close();
    });

    partsConformance({ harness: () => h, session: () => session });
    branchConformance({ harness: () => h, session: () => session });

    it('delivers publishes in order, with increasing serials, to every subscriber', async () => {
      const a = await h.connect('alice');
      const b = await h.connect('bob');
      const { ch: chA, rec: recA } = await attached(a, session);
      const { rec: recB } = await attached(b, session);
      const serials: string[] = [];
      for (let i = 0; i < 30; i++) serials.push((await chA.publish(build.userMessage(`t${i}`, `m${i}`))).serial);
      const want = Array.from({ length: 30 }, (_, i) => `m${i}`);
      await until(() => recB.names(), 'thirty deliveries', { ok: (v) => v.length >= 30, timeoutMs: WAIT_MS });
      expect(recB.names()).toEqual(want);
      await until(() => recA.names().length, 'echo to the publisher', { ok: (v) => v === 30, timeoutMs: WAIT_MS });
      expect([...serials].sort()).toEqual(serials);
      expect(recB.deliveries.map((d) => d.serial)).toEqual(serials);
      expect(recB.deliveries.every((d) => d.action === 'message.create' && d.clientId === 'alice')).toBe(true);
      expect(recB.deliveries[0].headers).toEqual({ 'ds-turn': 't0' });
    });

    it('sends appends live as deltas, and whole to history and to a subscriber that joins mid-stream', async () => {
      const agent = await h.connect('agent-1');
      const viewer = await h.connect('viewer');
      const { ch } = await attached(agent, session);
      const { rec } = await attached(viewer, session);
      const { serial } = await ch.publish({ name: 'agent.response', data: '', headers: streaming('streaming', 0) });
      await ch.append(serial, 'Hello', streaming('streaming', 0));
      await ch.append(serial, ', ', streaming('streaming', 5));
      await until(() => rec.text.get(serial), 'first appends at the viewer', { ok: (v) => v === 'Hello, ', timeoutMs: WAIT_MS });
      const late = await h.connect('late');
      const { rec: lateRec } = await attached(late, session);
      await ch.append(serial, 'world', streaming('streaming', 7));
      await ch.append(serial, '.', streaming('complete', 12));
      await until(() => rec.headers.get(serial)?.['ds-status'], 'final append at the viewer', { ok: (s) => s === 'complete', timeoutMs: WAIT_MS });
      await until(() => lateRec.headers.get(serial)?.['ds-status'], 'final append at the late joiner', { ok: (s) => s === 'complete', timeoutMs: WAIT_MS });

      expect(rec.of(serial).map((d) => d.action)).toEqual(['message.create', 'message.append', 'message.append', 'message.append', 'message.append']);
      expect(rec.of(serial).slice(1).map((d) => d.data)).toEqual(['Hello', ', ', 'world', '.']);
      const versions = rec.of(serial).map((d) => d.version);
      expect([...versions].sort()).toEqual(versions);
      expect(new Set(versions).size).toBe(versions.length);
      expect(rec.text.get(serial)).toBe('Hello, world.');

      // The late joiner never saw the create: its first delivery carries the text so far.
      expect(lateRec.of(serial).map((d) => d.action)).toEqual(['message.update', 'message.append']);
      expect(lateRec.of(serial)[0].data).toBe('Hello, world');
      expect(lateRec.text.get(serial)).toBe('Hello, world.');

      const hist = await allHistory(viewer.channel(session), false);
      expect(hist).toHaveLength(1);
      expect(hist[0]).toMatchObject({ serial, action: 'message.update', name: 'agent.response', data: 'Hello, world.' });
      expect(hist[0].headers['ds-status']).toBe('complete');
      expect(hist[0].version).toBe(versions[versions.length - 1]);
    });

    it('resumes a dropped connection without loss or duplication', async () => {
      const agent = await h.connect('agent-1');
      const viewer = await h.connect('viewer');
      const { ch } = await attached(agent, session);
      const { ch: vch, rec } = await attached(viewer, session);
      let discontinuities = 0;
      vch.onDiscontinuity(() => discontinuities++);
      const statuses: ConnectionChange[] = [];
      viewer.onStatus((c) => statuses.push(c));
      const { serial } = await ch.publish({ name: 'agent.response', data: '', headers: streaming('streaming', 0) });
      await ch.append(serial, 'one ', streaming('streaming', 0));
      await until(() => rec.text.get(serial), 'text before the drop', { ok: (v) => v === 'one ', timeoutMs: WAIT_MS });
      await h.interrupt(
        viewer,
        async () => {
          await ch.append(serial, 'two ', streaming('streaming', 4));
          await ch.append(serial, 'three', streaming('complete', 8));
          await ch.publish(build.userMessage('t2', 'after'));
        },
        { resume: true },
      );
      await until(() => rec.deliveries.length, 'everything published while away', { ok: (n) => n >= 5, timeoutMs: WAIT_MS });
      await until(() => rec.headers.get(serial)?.['ds-status'], 'final status', { ok: (s) => s === 'complete', timeoutMs: WAIT_MS });
      expect(rec.text.get(serial)).toBe('one two three');
      expect(rec.deliveries.map((d) => d.action)).toEqual(['message.create', 'message.append', 'message.append', 'message.append', 'message.create']);
      expect(discontinuities).toBe(0);
      expect(statuses.some((s) => s.status === 'disconnected')).toBe(true);
      expect(statuses.at(-1)).toMatchObject({ status: 'connected', resumed: true });
    });

    it('reports a discontinuity after a non-resumed reattach, and history fills the gap', async () => {
      const agent = await h.connect('agent-1');
      const viewer = await h.connect('viewer');
      const { ch } = await attached(agent, session);
      const { ch: vch, rec } = await attached(viewer, session);
      let discontinuities = 0;
      vch.onDiscontinuity(() => discontinuities++);
      await ch.publish(build.userMessage('t0', 'before'));
      await until(() => rec.deliveries.length, 'message before the gap', { ok: (n) => n === 1, timeoutMs: WAIT_MS });
      const missed: string[] = [];
      await h.interrupt(
        viewer,
        async () => {
          for (let i = 0; i < 3; i++) missed.push((await ch.publish(build.userMessage(`g${i}`, `gap${i}`))).serial);
        },
        { resume: false },
      );
      await until(() => discontinuities, 'discontinuity', { ok: (d) => d >= 1, timeoutMs: WAIT_MS });
      await ch.publish(build.userMessage('t9', 'after'));
      await until(() => rec.names(), 'live message after the gap', { ok: (v) => v.includes('after'), timeoutMs: WAIT_MS });
      // The backfill: everything up to the new attach point, merged by serial with what arrived live.
      const backfill = await allHistory(vch, true, 2);
      const bySerial = new Map<string, WireMessage>();
      for (const m of [...backfill, ...rec.deliveries]) bySerial.set(m.serial, m);
      const merged = [...bySerial.values()].sort((x, y) => (x.serial < y.serial ? -1 : 1));
      expect(merged.map((m) => (m.data as { text: string }).text)).toEqual(['before', 'gap0', 'gap1', 'gap2', 'after']);
      for (const s of missed) expect(backfill.some((m) => m.serial === s)).toBe(true);
    });

    it('shows presence across connections and drops a member whose connection closes', async () => {
      const a = await h.connect('alice');
      const b = await h.connect('agent-1');
      const { ch: chA } = await attached(a, session);
      const { ch: chB } = await attached(b, session);
      let seen: PresenceMember[] = [];
      chA.presence.subscribe((m) => {
        seen = m;
      });
      await chA.presence.enter({ kind: 'user', tabId: 'tab-1' });
      await chB.presence.enter({ kind: 'agent', agentId: 'agent-1' });
      await until(() => seen.map((m) => m.clientId).sort().join(), 'both members', { ok: (v) => v === 'agent-1,alice', timeoutMs: WAIT_MS });
      expect(seen.find((m) => m.clientId === 'agent-1')!.data).toEqual({ kind: 'agent', agentId: 'agent-1' });
      await chB.presence.update({ kind: 'agent', agentId: 'agent-1', name: 'Helper' });
      await until(() => (seen.find((m) => m.clientId === 'agent-1')?.data as { name?: string } | undefined)?.name, 'updated data', { ok: (v) => v === 'Helper', timeoutMs: WAIT_MS });
      const fromB = await chB.presence.get();
      expect(fromB.map((m) => m.clientId).sort()).toEqual(['agent-1', 'alice']);
      await b.close();
      await until(() => seen.map((m) => m.clientId).join(), 'member gone after close', { ok: (v) => v === 'alice', timeoutMs: WAIT_MS });
      expect((await chA.presence.get()).map((m) => m.clientId)).toEqual(['alice']);
    });

    it('bounds untilAttach history at the attach point, in pages', async () => {
      const a = await h.connect('alice');
      const { ch } = await attached(a, session);
      for (let i = 0; i < 5; i++) await ch.publish(build.userMessage(`p${i}`, `p${i}`));
      const b = await h.connect('bob');
      const { ch: chB, rec } = await attached(b, session);
      await ch.publish(build.userMessage('late', 'late'));
      await until(() => rec.names(), 'live message after attach', { ok: (v) => v.includes('late'), timeoutMs: WAIT_MS });
      const back: string[] = [];
      let page = await chB.history({ untilAttach: true, limit: 2 });
      for (;;) {
        back.push(...page.items.map((m) => (m.data as { text: string }).text));
        if (!page.hasNext()) break;
        page = (await page.next())!;
      }
      expect(back).toEqual(['p4', 'p3', 'p2', 'p1', 'p0']);
      const all = await allHistory(chB, false);
      expect(all.map((m) => (m.data as { text: string }).text)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'late']);
    });

    it('rejects an oversize append as an oversize error and keeps the channel usable', async () => {
      const agent = await h.connect('agent-1');
      const { ch, rec } = await attached(agent, session);
      const { serial } = await ch.publish({ name: 'agent.response', data: '', headers: streaming('streaming', 0) });
      await expect(ch.append(serial, 'x'.repeat(70_000), streaming('streaming', 0))).rejects.toMatchObject({ name: 'DurableSessionError', code: 'oversize' });
      await ch.append(serial, 'fits', streaming('complete', 0));
      await until(() => rec.text.get(serial), 'the append after the refusal', { ok: (v) => v === 'fits', timeoutMs: WAIT_MS });
    });

    it('round-trips a cancel with the agent runtime: the response ends cancelled with the agent’s exact text', async () => {
      const agentT = await h.connect('agent-host');
      const user = await h.connect('alice');
      const records: TurnRecord[] = [];
      const agent = createAgent({
        transport: agentT,
        sessionId: session,
        agentId: 'writer',
        batch: { intervalMs: 5, maxChars: 16 },
        onTurnEnd: (r) => records.push(r),
        handler: async (turn) => {
          for (let i = 0; !turn.signal.aborted && i < 10_000; i++) {
            turn.write(`w${i} `);
            await new Promise((r) => setTimeout(r, 2));
          }
        },
      });
      await agent.start();
      const { ch, rec } = await attached(user, session);
      await ch.publish(build.userMessage('turn-1', 'write forever'));
      const response = () => rec.deliveries.find((d) => d.name === 'agent.response');
      await until(() => rec.text.get(response()?.serial ?? '') ?? '', 'streaming text', { ok: (v) => v.length > 20, timeoutMs: WAIT_MS });
      await ch.publish(build.cancel('c1', { kind: 'turn', turnId: 'turn-1' }));
      const serial = response()!.serial;
      await until(() => rec.headers.get(serial)?.['ds-status'], 'cancelled status', { ok: (s) => s === 'cancelled', timeoutMs: WAIT_MS });
      await until(() => records.length, 'turn record', { ok: (n) => n === 1, timeoutMs: WAIT_MS });
      expect(records[0]).toMatchObject({ status: 'cancelled', aborted: true, turnId: 'turn-1' });
      expect(rec.text.get(serial)).toBe(records[0].text);
      const hist = await allHistory(ch, false);
      const final = hist.find((m) => m.serial === serial)!;
      expect(final.data).toBe(records[0].text);
      expect(final.headers['ds-status']).toBe('cancelled');
      await agent.stop();
    });

    it('round-trips a steer with the agent runtime: received, applied, and reflected in the response', async () => {
      const agentT = await h.connect('agent-host');
      const user = await h.connect('alice');
      const agent = createAgent({
        transport: agentT,
        sessionId: session,
        agentId: 'writer',
        batch: { intervalMs: 5, maxChars: 64 },
        handler: async (turn) => {
          turn.write('thinking. ');
          for await (const s of turn.steers) {
            turn.write(`steered: ${s.text}`);
            break;
          }
        },
      });
      await agent.start();
      const { ch, rec } = await attached(user, session);
      await ch.publish(build.userMessage('turn-1', 'go'));
      const response = () => rec.deliveries.find((d) => d.name === 'agent.response');
      await until(() => rec.text.get(response()?.serial ?? ''), 'first text', { ok: (v) => v === 'thinking. ', timeoutMs: WAIT_MS });
      await ch.publish(build.steer('s1', 'be brief', { kind: 'turn', turnId: 'turn-1' }));
      const serial = response()!.serial;
      await until(() => rec.headers.get(serial)?.['ds-status'], 'response complete', { ok: (s) => s === 'complete', timeoutMs: WAIT_MS });
      expect(rec.text.get(serial)).toBe('thinking. steered: be brief');
      const acks = rec.deliveries.filter((d) => d.name === 'control.steer-ack').map((d) => (d.data as { status: string; steerId: string }));
      await until(() => rec.deliveries.filter((d) => d.name === 'control.steer-ack').length, 'two acknowledgements', { ok: (n) => n >= 2, timeoutMs: WAIT_MS });
      const statuses = rec.deliveries.filter((d) => d.name === 'control.steer-ack').map((d) => (d.data as { status: string }).status);
      expect(statuses).toEqual(['received', 'applied']);
      expect(acks.every((a) => a.steerId === 's1')).toBe(true);
      await agent.stop();
    });
  });
}
