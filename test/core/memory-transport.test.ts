import { describe, expect, it } from 'vitest';
import { createBroker } from '../../src/broker/index.js';
import type { ConnectionChange, WireMessage } from '../../src/core/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { settle, until } from '../helpers/until.js';

const note = (text: string) => ({ name: 'note', data: { text } });
const texts = (ms: WireMessage[]) => ms.map((m) => (m.data as { text: string }).text);

async function pair(opts: { latencyMs?: number } = {}) {
  const broker = createBroker();
  const sender = createMemoryTransport({ broker, clientId: 'sender' });
  const receiver = createMemoryTransport({ broker, clientId: 'receiver', ...opts });
  const got: WireMessage[] = [];
  const ch = receiver.channel('c');
  ch.subscribe((m) => got.push(m));
  await ch.attach();
  return { broker, sender, receiver, ch, got, out: sender.channel('c') };
}

describe('memory transport faults', () => {
  it('replays a dropped delivery on the next resume, so a clean reconnect recovers it', async () => {
    const { receiver, out, got } = await pair();
    await out.publish(note('one'));
    await until(() => got.length, 'one', { ok: (n) => n === 1 });
    receiver.dropNext(1);
    await out.publish(note('two'));
    await out.publish(note('three'));
    await until(() => got.length, 'three', { ok: (n) => n === 2 });
    expect(texts(got)).toEqual(['one', 'three']);
    receiver.disconnect();
    await receiver.reconnect();
    await until(() => texts(got), 'the dropped message', { ok: (t) => t.includes('two') });
    // Replayed from the last serial received with nothing missing: 'three' arrives again.
    expect(texts(got)).toEqual(['one', 'three', 'two', 'three']);
  });

  it('never lets a frame overtake one still in flight when the latency drops', async () => {
    const { receiver, out, got } = await pair({ latencyMs: 30 });
    await out.publish(note('a'));
    await out.publish(note('b'));
    receiver.setLatency(0);
    await out.publish(note('c'));
    await until(() => got.length, 'three messages', { ok: (n) => n === 3 });
    expect(texts(got)).toEqual(['a', 'b', 'c']);
  });

  it('delivers everything once when listeners publish from inside a delivery', async () => {
    const { receiver, ch, got } = await pair({ latencyMs: 2 });
    ch.subscribe((m) => {
      const n = Number((m.data as { text: string }).text);
      if (n < 20) void ch.publish(note(String(n + 1)));
    });
    await ch.publish(note('0'));
    await until(() => got.length, 'a chain of 21 messages', { ok: (n) => n === 21 });
    await settle(10);
    expect(texts(got)).toEqual(Array.from({ length: 21 }, (_, i) => String(i)));
    expect(receiver.status).toBe('connected');
  });

  it('duplicates live deliveries at the configured rate', async () => {
    const { receiver, out, got } = await pair();
    receiver.setFaults({ duplicateRate: 1 });
    await out.publish(note('x'));
    await until(() => got.length, 'two copies', { ok: (n) => n === 2 });
    expect(got[0]).toEqual(got[1]);
  });

  it('queues publishes while disconnected and sends them in order on reconnect', async () => {
    const { broker, receiver, ch } = await pair();
    receiver.disconnect();
    const sent = [ch.publish(note('1')), ch.publish(note('2')), ch.publish(note('3'))];
    await settle();
    expect(broker.channel('c').messageCount).toBe(0);
    await receiver.reconnect();
    const serials = (await Promise.all(sent)).map((r) => r.serial);
    expect([...serials].sort()).toEqual(serials);
    expect(broker.channel('c').history({ direction: 'forwards' }).items.map((m) => (m.data as { text: string }).text)).toEqual(['1', '2', '3']);
  });

  it('reports a forced discontinuity, resumes nothing, and re-enters presence on the new connection', async () => {
    const { broker, receiver, ch, out, got } = await pair();
    const changes: ConnectionChange[] = [];
    receiver.onStatus((c) => changes.push(c));
    let discontinuities = 0;
    ch.onDiscontinuity(() => discontinuities++);
    await ch.presence.enter({ kind: 'user', tabId: 't1' });
    const oldConnection = receiver.connectionId;
    receiver.disconnect();
    await out.publish(note('missed'));
    await receiver.forceDiscontinuity();
    await receiver.reconnect();
    await until(() => discontinuities, 'the discontinuity', { ok: (n) => n === 1 });
    expect(texts(got)).toEqual([]);
    expect(changes.map((c) => c.status)).toEqual(['disconnected', 'resuming', 'connected']);
    expect(changes[2].resumed).toBe(false);
    expect(receiver.connectionId).not.toBe(oldConnection);
    expect(broker.channel('c').presence.list().map((m) => m.connectionId)).toEqual([receiver.connectionId]);
    const page = await ch.history();
    expect(texts(page.items)).toEqual(['missed']);
  });
});

describe('memory transport on an empty channel', () => {
  it('resumes a tab that attached before anything was said, with nothing missed and no backfill', async () => {
    const broker = createBroker();
    const watcher = createMemoryTransport({ broker, clientId: 'watcher' });
    const ch = watcher.channel('empty');
    const got: string[] = [];
    const discontinuities: number[] = [];
    ch.subscribe((m) => got.push(m.serial));
    ch.onDiscontinuity(() => discontinuities.push(1));
    await ch.attach();
    watcher.disconnect();
    const speaker = createMemoryTransport({ broker, clientId: 'speaker' }).channel('empty');
    const a = await speaker.publish({ name: 'user.message', data: { text: 'first' }, headers: { 'ds-turn': 't1' } });
    const b = await speaker.publish({ name: 'user.message', data: { text: 'second' }, headers: { 'ds-turn': 't2' } });
    await watcher.reconnect();
    await settle();
    expect(got).toEqual([a.serial, b.serial]);
    expect(discontinuities).toEqual([]);
  });
});
