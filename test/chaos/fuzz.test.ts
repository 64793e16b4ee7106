import * as Ably from 'ably';
import { WebSocket } from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createSessionController,
  DurableSessionError,
  entryOf,
  EventName,
  Limits,
  microtaskScheduler,
  parseEvent,
  type SessionState,
  type WireMessage,
} from '../../src/core/index.js';
import type { SessionTransport, TransportChannel } from '../../src/core/transport.js';
import { createServer, type LocalServer } from '../../src/server/index.js';
import { Gen } from './fuzz-gen.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_601);
const CASES = 10_000;
const ID_RE = /^[A-Za-z0-9._:@~-]+$/;
const figures: string[] = [];
afterAll(() => console.log(`fuzz (seed ${SEED}):\n  ${figures.join('\n  ')}`));

/** A message as the wire might deliver it: valid, nearly valid, or nothing like one. */
function wireCase(g: Gen, i: number): WireMessage {
  if (g.chance(0.08)) return g.value() as WireMessage;
  const turn = `turn-${g.int(5)}`;
  const valid: Record<string, () => { name: string; data: unknown; headers: Record<string, unknown> }> = {
    user: () => ({ name: EventName.UserMessage, data: { text: `hi ${i}` }, headers: { 'ds-turn': turn } }),
    response: () => ({
      name: EventName.AgentResponse,
      data: `tok${i} `,
      headers: { 'ds-turn': turn, 'ds-response': `resp-${g.int(5)}`, 'ds-agent': 'agent-1', 'ds-status': g.pick(['streaming', 'complete', 'cancelled', 'error']), 'ds-offset': String(g.int(40)) },
    }),
    cancel: () => ({ name: EventName.Cancel, data: { controlId: `c-${i}`, target: g.pick([{ kind: 'all' }, { kind: 'turn', turnId: turn }, { kind: 'agent', agentId: 'agent-1' }]) }, headers: {} }),
    steer: () => ({ name: EventName.Steer, data: { steerId: `s-${i}`, text: 'left', target: { kind: 'turn', turnId: turn } }, headers: {} }),
    ack: () => ({ name: EventName.SteerAck, data: { steerId: `s-${g.int(i + 1)}`, agentId: 'agent-1', status: g.pick(['received', 'applied', 'rejected']) }, headers: {} }),
    status: () => ({ name: EventName.AgentStatus, data: { agentId: 'agent-1', state: g.pick(['idle', 'thinking', 'streaming', 'offline']) }, headers: {} }),
  };
  const base = valid[g.pick(Object.keys(valid))]();
  const serial = g.serial();
  const m: Record<string, unknown> = {
    serial,
    version: g.chance(0.7) ? serial : g.serial(),
    action: g.pick(['message.create', 'message.append', 'message.update', 'message.create', 'message.append']),
    name: base.name,
    data: base.data,
    headers: base.headers,
    clientId: 'user-1',
    timestamp: 1_700_000_000_000 + i,
  };
  // Mutate some of the fields; roughly a third of the cases stay valid.
  for (let k = g.int(4); k > 0; k--) {
    switch (g.int(9)) {
      case 0:
        m.name = g.pick(['agent.responses', 'user.Message', '', 'control.*', '__proto__', 'constructor', g.string()]);
        break;
      case 1:
        m.data = g.value();
        break;
      case 2:
        m.headers = g.headers();
        break;
      case 3:
        m.serial = g.value();
        break;
      case 4:
        m.action = g.value();
        break;
      case 5:
        m.data = g.poisoned(typeof base.data === 'object' && base.data !== null ? (base.data as Record<string, unknown>) : {});
        break;
      case 6:
        m.headers = { ...base.headers, [g.pick(['ds-offset', 'ds-status', 'ds-turn', 'ds-response', 'ds-agent'])]: g.value() };
        break;
      case 7:
        m.data = typeof base.data === 'object' ? { ...(base.data as object), text: g.string(), target: g.value() } : g.string();
        break;
      default:
        m.version = g.value();
    }
  }
  return m as unknown as WireMessage;
}

function checkParsed(m: WireMessage, r: ReturnType<typeof parseEvent>): void {
  if (!r.ok) {
    expect(r.error).toBeInstanceOf(DurableSessionError);
    expect(['malformed_event', 'unknown_event']).toContain(r.error.code);
    return;
  }
  const ev = r.event;
  expect(ev.type).toBe(m.name);
  expect(typeof ev.serial === 'string' && ev.serial.length > 0).toBe(true);
  for (const id of [
    'turnId' in ev ? ev.turnId : undefined,
    'responseId' in ev ? ev.responseId : undefined,
    'agentId' in ev ? ev.agentId : undefined,
    'controlId' in ev ? ev.controlId : undefined,
    'steerId' in ev ? ev.steerId : undefined,
  ]) {
    if (id !== undefined) expect(typeof id === 'string' && ID_RE.test(id) && id.length <= Limits.maxIdChars).toBe(true);
  }
  if ('text' in ev) expect(typeof ev.text).toBe('string');
  if ('target' in ev) expect(['response', 'turn', 'agent', 'all']).toContain(ev.target.kind);
}

/** A transport whose channel hands the test's messages straight to the controller, as a network could. */
function injectingTransport(): { transport: SessionTransport; deliver: (m: WireMessage) => void } {
  const listeners = new Set<(m: WireMessage) => void>();
  const channel: TransportChannel = {
    name: 'fuzz',
    attach: async () => ({ resumed: true }),
    detach: async () => undefined,
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onDiscontinuity: () => () => undefined,
    publish: async () => ({ serial: 's' }),
    append: async () => undefined,
    history: async () => ({ items: [], hasNext: () => false, next: async () => null }),
    presence: { enter: async () => undefined, update: async () => undefined, leave: async () => undefined, get: async () => [], subscribe: () => () => undefined },
  };
  const transport: SessionTransport = {
    clientId: 'fuzzer',
    status: 'connected',
    onStatus: () => () => undefined,
    channel: () => channel,
    close: async () => undefined,
  };
  return { transport, deliver: (m) => listeners.forEach((l) => l(m)) };
}

const STATE_KEYS = ['order', 'entries', 'live', 'responses', 'turns', 'cancels', 'steers', 'agents', 'presence', 'connection', 'needsBackfill'] as const;

describe('fuzz', () => {
  it('rejects ids and serials that name what every object inherits', () => {
    const base = { version: 'v', action: 'message.create' as const, timestamp: 1, data: { text: 'x' } };
    for (const bad of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const asSerial = parseEvent({ ...base, serial: bad, name: 'user.message', headers: { 'ds-turn': 't1' } });
      const asTurn = parseEvent({ ...base, serial: 's1', name: 'user.message', headers: { 'ds-turn': bad } });
      expect(asSerial.ok || asTurn.ok).toBe(false);
      if (!asSerial.ok) expect(asSerial.error.code).toBe('malformed_event');
    }
    expect(parseEvent({ ...base, serial: 's1', name: 'user.message', headers: { 'ds-turn': 't1' } }).ok).toBe(true);
  });

  it(`parseEvent: ${CASES} generated messages, never a throw, a typed error for each invalid one`, () => {
    const g = new Gen(SEED);
    let valid = 0;
    let invalid = 0;
    const codes: Record<string, number> = {};
    for (let i = 0; i < CASES; i++) {
      const m = wireCase(g, i);
      const r = parseEvent(m);
      checkParsed(m, r);
      if (r.ok) valid++;
      else {
        invalid++;
        codes[r.error.code] = (codes[r.error.code] ?? 0) + 1;
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(valid + invalid).toBe(CASES);
    expect(valid).toBeGreaterThan(CASES / 10);
    expect(invalid).toBeGreaterThan(CASES / 2);
    figures.push(`parseEvent: ${CASES} cases, ${valid} valid, ${invalid} rejected (${Object.entries(codes).map(([k, v]) => `${k} ${v}`).join(', ')}), 0 throws, prototype untouched`);
  });

  it(`reducer via the controller: ${CASES} deliveries, store unchanged and one typed error for each invalid one`, async () => {
    const g = new Gen(SEED + 1);
    const { transport, deliver } = injectingTransport();
    const ctrl = createSessionController({ transport, sessionId: 'fuzz', scheduler: microtaskScheduler, enterPresence: false });
    await ctrl.start();
    const reported: DurableSessionError[] = [];
    ctrl.onError((e) => reported.push(e));
    let rejected = 0;
    let applied = 0;
    for (let i = 0; i < CASES; i++) {
      const m = wireCase(g, i);
      const before: SessionState = ctrl.store.getState();
      const errorsBefore = reported.length;
      deliver(m);
      ctrl.flush();
      const after = ctrl.store.getState();
      if (!parseEvent(m).ok) {
        rejected++;
        for (const k of STATE_KEYS) expect(after[k]).toBe(before[k]);
        expect(reported.length).toBe(errorsBefore + 1);
        const e = reported[reported.length - 1];
        expect(e).toBeInstanceOf(DurableSessionError);
        expect(['malformed_event', 'unknown_event']).toContain(e.code);
        expect(after.errors[after.errors.length - 1]).toBe(e);
      } else {
        applied++;
        expect(reported.length).toBe(errorsBefore);
      }
    }
    // Whatever was applied left a coherent store: every ordered key has an entry, every response is indexed.
    const s = ctrl.store.getState();
    for (const k of s.order) expect(entryOf(s, k)).toBeDefined();
    for (const [rid, key] of Object.entries(s.responses)) expect((entryOf(s, key) as { responseId?: string }).responseId).toBe(rid);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await ctrl.stop();
    figures.push(`controller/reducer: ${CASES} deliveries, ${applied} applied, ${rejected} rejected with the store unchanged and one typed error each`);
  });
});

/** ErrorInfo as the SDK reads it. */
function ablyShaped(e: unknown): boolean {
  const x = e as { code?: unknown; statusCode?: unknown; message?: unknown };
  return (
    typeof x === 'object' &&
    x !== null &&
    Number.isInteger(x.code) &&
    (x.code as number) >= 10000 &&
    (x.code as number) < 100000 &&
    Number.isInteger(x.statusCode) &&
    (x.statusCode as number) >= 400 &&
    (x.statusCode as number) < 600 &&
    typeof x.message === 'string' &&
    x.message.length > 0
  );
}

/** A protocol frame from a confused or hostile client. */
function frameCase(g: Gen, i: number): { text: string; ends: boolean } {
  if (g.chance(0.01)) return { text: g.pick(['{not json', '[]', '42', '"x"', 'null', '{"action":"15"}', '{}']), ends: true };
  const action = g.chance(0.97) ? g.pick([0, 10, 12, 14, 15, 15, 15, 16, 11, 4, 1, 2, 99, -1]) : g.pick([5, 7, 17]);
  const frame: Record<string, unknown> = { action };
  if (g.chance(0.9)) frame.channel = g.chance(0.8) ? g.pick(['fuzz:good', 'fuzz:other', 'fuzz:3']) : g.value();
  if (g.chance(0.9)) frame.msgSerial = g.chance(0.8) ? 10_000 + i : g.value();
  if (g.chance(0.3)) frame.channelSerial = g.serial();
  if (g.chance(0.2)) frame.params = g.chance(0.5) ? { rewind: g.pick(['5', '-1', '1e9', 'x']) } : g.value();
  if (action === 15 || g.chance(0.1)) {
    frame.messages = g.chance(0.85)
      ? Array.from({ length: 1 + g.int(3) }, () => {
          const m: Record<string, unknown> = { name: g.pick(['user.message', 'agent.response', 'n', '__proto__']), data: g.chance(0.5) ? g.string().slice(0, 70_000) : g.value() };
          if (g.chance(0.3)) m.encoding = g.pick(['json', 'base64', 'utf-8/json', 'cipher', 7]);
          if (g.chance(0.5)) m.extras = g.chance(0.7) ? { headers: g.headers() } : g.value();
          if (g.chance(0.3)) m.action = g.pick([0, 1, 2, 3, 4, 5, 9, -1, '5']);
          if (g.chance(0.3)) m.serial = g.serial();
          if (g.chance(0.2)) m.clientId = g.pick(['*', 'someone-else', 7, null]);
          if (g.chance(0.2)) m.id = g.value();
          return g.chance(0.1) ? g.poisoned(m) : m;
        })
      : g.value();
  }
  if (action === 14 || g.chance(0.05)) {
    frame.presence = g.chance(0.8) ? [{ action: g.pick([0, 1, 2, 3, 4, 9]), data: g.value(), clientId: g.pick(['fuzzer', '*', undefined, 3]) }] : g.value();
  }
  if (action === 17) frame.auth = g.chance(0.5) ? { accessToken: g.string() } : g.value();
  if (g.chance(0.05)) Object.assign(frame, g.poisoned());
  const text = JSON.stringify(frame);
  return { text, ends: action === 5 || action === 7 || action === 17 || text.length > 1024 * 1024 };
}

describe('fuzz: the server frame handler', () => {
  let server: LocalServer;
  afterAll(async () => server?.close());

  it(`${CASES} generated frames over a real socket: no crash, Ably-shaped errors, a good client served throughout`, async () => {
    server = await createServer({ port: 0 });
    const good = new Ably.Realtime({ ...(server.clientOptions() as Ably.ClientOptions), clientId: 'good', logLevel: 0 });
    const ch = good.channels.get('fuzz:good');
    const seen = new Set<string>();
    await ch.subscribe('ping', (m) => seen.add(String(m.data)));
    const roundtrip = async (n: number) => {
      await ch.publish('ping', `p${n}`);
      for (let k = 0; k < 500 && !seen.has(`p${n}`); k++) await new Promise((r) => setTimeout(r, 2));
      return seen.has(`p${n}`);
    };

    const g = new Gen(SEED + 2);
    const url = `ws://127.0.0.1:${server.port}/?key=${encodeURIComponent(server.keys[0])}&format=json&v=6&clientId=fuzzer`;
    let ws: WebSocket;
    let inbox: Record<string, unknown>[] = [];
    let errors = 0;
    let nacks = 0;
    let closes = 0;
    let badErrors = 0;
    let roundtrips = 0;
    const waiting = new Map<string, () => void>();
    let lastClose = '';
    let lastSent = '';
    const open = async () => {
      ws = new WebSocket(url);
      const me = ws;
      me.on('close', (code, reason) => (lastClose = `${code} ${reason.toString()}`));
      me.on('message', (d) => {
        const f = JSON.parse(d.toString()) as Record<string, unknown>;
        inbox.push(f);
        if (f.action === 0 && typeof f.id === 'string') waiting.get(f.id)?.();
        if (f.action === 9 || f.action === 2 || (f.action === 6 && f.error !== undefined)) {
          if (f.action === 2) nacks++;
          else errors++;
          if (!ablyShaped(f.error)) badErrors++;
        }
      });
      await new Promise<void>((resolve, reject) => {
        me.once('error', reject);
        me.on('message', () => resolve());
      });
    };
    const closed = () => new Promise<void>((r) => (ws.readyState === WebSocket.CLOSED ? r() : ws.once('close', () => r())));
    /** Waits until the server has handled everything sent so far (it answers heartbeats in order). */
    const sync = async (id: string) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      const me = ws;
      await new Promise<void>((resolve) => {
        const done = () => {
          waiting.delete(id);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, 5000);
        waiting.set(id, done);
        me.once('close', done);
        me.send(JSON.stringify({ action: 0, id }));
      });
    };

    await open();
    let sent = 0;
    for (let i = 0; i < CASES; ) {
      const batch: string[] = [];
      let ender: string | undefined;
      while (i < CASES && batch.length < 50) {
        const f = frameCase(g, i++);
        if (f.ends) {
          ender = f.text;
          break;
        }
        batch.push(f.text);
      }
      for (const t of batch) ws!.send(t);
      lastSent = batch.map((t) => t.slice(0, 300)).join('\n');
      sent += batch.length;
      await sync(`b${i}`);
      // Non-ending frames never cost the fuzzer its connection.
      expect(ws!.readyState, `closed ${lastClose} after:\n${lastSent}`).toBe(WebSocket.OPEN);
      if (ender !== undefined) {
        ws!.send(ender);
        sent++;
        await Promise.race([closed(), sync(`e${i}`)]);
        if (ws!.readyState !== WebSocket.OPEN) {
          closes++;
          await closed();
          inbox = [];
          await open();
        }
      }
      inbox = inbox.slice(-200);
      if (i % 1000 < 50) {
        expect(await roundtrip(i)).toBe(true);
        roundtrips++;
      }
    }
    ws!.terminate();
    expect(await roundtrip(-1)).toBe(true);
    expect(good.connection.state).toBe('connected');
    expect(badErrors).toBe(0);
    expect(sent).toBe(CASES);
    good.close();
    figures.push(
      `server frames: ${sent} sent, ${nacks} NACKs and ${errors} ERRORs all Ably-shaped, ${closes} connections ended by garbled/closing frames, good client ${roundtrips + 1}/${roundtrips + 1} round trips`,
    );
  });
});
