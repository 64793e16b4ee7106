import { describe, expect, it } from 'vitest';
import { BrokerError, ChannelLog, createBroker, SerialClock, type Delivery } from '../../src/broker/index.js';

const resp = (status: string): Record<string, string> => ({ 'ds-response': 'r1', 'ds-agent': 'a', 'ds-turn': 't1', 'ds-status': status });

function collect(): { got: Delivery[]; listener: (d: Delivery) => void } {
  const got: Delivery[] = [];
  return { got, listener: (d) => got.push(d) };
}

function isStrictlyIncreasing(xs: string[]): boolean {
  for (let i = 1; i < xs.length; i++) if (!(xs[i - 1] < xs[i])) return false;
  return true;
}

describe('SerialClock', () => {
  it('issues strictly increasing serials when the clock stalls, steps back or overflows the counter', () => {
    let t = 1_700_000_000_000;
    const steps = [0, 0, 5, -3, -100, 0, 1, 0, -1];
    let i = 0;
    const clock = new SerialClock('x', () => (t += steps[i++ % steps.length]));
    const serials = Array.from({ length: 3000 }, () => clock.next());
    expect(isStrictlyIncreasing(serials)).toBe(true);
    expect(new Set(serials).size).toBe(3000);
    expect(SerialClock.timeOf(serials[0])).toBeGreaterThanOrEqual(1_700_000_000_000);
  });

  it('moves past an observed serial', () => {
    const a = new SerialClock('x', () => 5);
    const late = new SerialClock('x', () => 9).next();
    a.observe(late);
    expect(a.next() > late).toBe(true);
  });
});

describe('ChannelLog serials and aggregation', () => {
  it('gives every create, append and update a strictly increasing serial, even with a frozen clock', () => {
    const log = new ChannelLog('c', { now: () => 1000 });
    const versions: string[] = [];
    const s = log.create({ name: 'agent.response', data: '', headers: resp('streaming') });
    versions.push(s);
    for (let i = 0; i < 1500; i++) versions.push(log.append(s, { data: 'x', headers: resp('streaming') }));
    versions.push(log.create({ name: 'user.message', data: { text: 'hi' }, headers: { 'ds-turn': 't2' } }));
    versions.push(log.update(s, 'replaced', resp('complete')));
    expect(isStrictlyIncreasing(versions)).toBe(true);
    expect(log.channelSerial).toBe(versions[versions.length - 1]);
  });

  it('sends live subscribers deltas and history the aggregate, one item per message', () => {
    const log = new ChannelLog('c');
    const { got, listener } = collect();
    log.attach(listener);
    const s = log.create({ name: 'agent.response', data: '', headers: resp('streaming') });
    log.append(s, { data: 'Hel', headers: resp('streaming') });
    log.append(s, { data: 'lo', headers: resp('complete') });
    expect(got.map((d) => [d.message.action, d.message.data])).toEqual([
      ['message.create', ''],
      ['message.append', 'Hel'],
      ['message.append', 'lo'],
    ]);
    expect(got[2].message.headers['ds-status']).toBe('complete');
    const h = log.history();
    expect(h.items).toHaveLength(1);
    expect(h.items[0]).toMatchObject({ serial: s, action: 'message.update', data: 'Hello', version: got[2].message.version });
    expect(h.items[0].headers['ds-status']).toBe('complete');
    expect(log.get(s)?.data).toBe('Hello');
  });

  it('replaces data on update and delivers the whole message', () => {
    const log = new ChannelLog('c');
    const s = log.create({ name: 'agent.response', data: 'draft', headers: resp('streaming') });
    const { got, listener } = collect();
    log.attach(listener);
    const v = log.update(s, 'final text', resp('complete'));
    expect(got).toHaveLength(1);
    expect(got[0].message).toMatchObject({ serial: s, version: v, action: 'message.update', data: 'final text' });
    expect(log.history().items[0].data).toBe('final text');
  });

  it("delivers an unseen message's first append as an update carrying the full data, then deltas", () => {
    const log = new ChannelLog('c');
    const s = log.create({ name: 'agent.response', data: '', headers: resp('streaming') });
    log.append(s, { data: 'abc', headers: resp('streaming') });
    const { got, listener } = collect();
    log.attach(listener);
    const v1 = log.append(s, { data: 'def', headers: resp('streaming') });
    log.append(s, { data: 'g', headers: resp('complete') });
    expect(got).toHaveLength(2);
    expect(got[0].message).toMatchObject({ serial: s, action: 'message.update', data: 'abcdef', version: v1 });
    expect(got[1].message).toMatchObject({ action: 'message.append', data: 'g' });
  });

  it('returns the first serial for a repeated publisher id', () => {
    const log = new ChannelLog('c');
    const a = log.create({ name: 'user.message', data: { text: 'x' }, id: 'pub-1' });
    const b = log.create({ name: 'user.message', data: { text: 'x' }, id: 'pub-1' });
    expect(b).toBe(a);
    expect(log.messageCount).toBe(1);
  });

  it('refuses appends to unknown messages and to non-text messages', () => {
    const log = new ChannelLog('c');
    expect(() => log.append('nope', { data: 'x' })).toThrow(expect.objectContaining({ code: 40400, statusCode: 404 }));
    const u = log.create({ name: 'user.message', data: { text: 'x' } });
    expect(() => log.append(u, { data: 'x' })).toThrow(expect.objectContaining({ code: 40000 }));
  });
});

describe('ChannelLog attach: resume and rewind', () => {
  it('replays exactly the events after fromSerial, in order, as deltas for messages seen before', () => {
    const log = new ChannelLog('c');
    const first = collect();
    const sub = log.attach(first.listener);
    const s = log.create({ name: 'agent.response', data: '', headers: resp('streaming') });
    log.append(s, { data: 'ab', headers: resp('streaming') });
    const resumeFrom = first.got[first.got.length - 1].channelSerial;
    sub.unsubscribe();
    log.append(s, { data: 'cd', headers: resp('streaming') });
    const u = log.create({ name: 'user.message', data: { text: 'q' }, headers: { 'ds-turn': 't2' } });
    log.append(s, { data: 'e', headers: resp('complete') });

    const again = collect();
    const r = log.attach(again.listener, { fromSerial: resumeFrom });
    expect(r.resumed).toBe(true);
    expect(r.reason).toBeUndefined();
    expect(r.replay.map((d) => [d.message.action, d.message.data])).toEqual([
      ['message.append', 'cd'],
      ['message.create', { text: 'q' }],
      ['message.append', 'e'],
    ]);
    expect(r.replay[1].message.serial).toBe(u);
    expect(isStrictlyIncreasing(r.replay.map((d) => d.channelSerial))).toBe(true);
    expect(r.attachSerial).toBe(log.channelSerial);
    log.append(s, { data: 'f', headers: resp('complete') });
    expect(again.got.map((d) => d.message.action)).toEqual(['message.append']);
  });

  it('replays an append to a message created after the resume point as part of that message', () => {
    const log = new ChannelLog('c');
    const u = log.create({ name: 'user.message', data: { text: 'q' }, headers: { 'ds-turn': 't1' } });
    const s = log.create({ name: 'agent.response', data: '', headers: resp('streaming') });
    log.append(s, { data: 'xy', headers: resp('streaming') });
    const r = log.attach(() => {}, { fromSerial: u });
    expect(r.resumed).toBe(true);
    expect(r.replay.map((d) => [d.message.action, d.message.data])).toEqual([
      ['message.create', ''],
      ['message.append', 'xy'],
    ]);
  });

  it('does not resume from a serial the channel never issued', () => {
    const log = new ChannelLog('c');
    log.create({ name: 'user.message', data: { text: 'q' } });
    const r = log.attach(() => {}, { fromSerial: '99999999999999-999@zz:0' });
    expect(r.resumed).toBe(false);
    expect(r.reason).toBe('unknown_serial');
    expect(r.replay).toEqual([]);
  });

  it('rewinds by count with aggregated messages and marks them seen', () => {
    const log = new ChannelLog('c');
    log.create({ name: 'user.message', data: { text: 'one' } });
    const s = log.create({ name: 'agent.response', data: '', headers: resp('streaming') });
    ['a', 'b', 'c'].forEach((w, i) => log.append(s, { data: w, headers: resp('streaming') }));
    const live = collect();
    const r = log.attach(live.listener, { rewind: 1 });
    expect(r.resumed).toBe(false);
    expect(r.replay).toHaveLength(1);
    expect(r.replay[0].message).toMatchObject({ serial: s, data: 'abc', action: 'message.update' });
    log.append(s, { data: 'd', headers: resp('complete') });
    expect(live.got[0].message).toMatchObject({ action: 'message.append', data: 'd' });
  });
});

describe('ChannelLog retention', () => {
  it('refuses an oversize create or append with BrokerError 40009 and commits nothing', () => {
    const log = new ChannelLog('c', { retention: { maxMessageBytes: 100 } });
    const { got, listener } = collect();
    log.attach(listener);
    const before = log.channelSerial;
    let err: unknown;
    try {
      log.create({ name: 'user.message', data: { text: 'x'.repeat(200) } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BrokerError);
    expect(err).toMatchObject({ code: 40009, statusCode: 400 });
    expect(log.channelSerial).toBe(before);
    expect(log.messageCount).toBe(0);
    const s = log.create({ name: 'agent.response', data: '', headers: resp('streaming') });
    expect(() => log.append(s, { data: 'é'.repeat(60), headers: resp('streaming') })).toThrow(expect.objectContaining({ code: 40009 }));
    expect(log.messageCount).toBe(1);
    expect(got).toHaveLength(1);
    expect(log.get(s)?.data).toBe('');
    expect(log.channelSerial).toBe(s);
  });

  it('refuses an append that would grow the aggregate past maxAggregateBytes', () => {
    const log = new ChannelLog('c', { retention: { maxAggregateBytes: 64 } });
    const s = log.create({ name: 'r', data: '' });
    log.append(s, { data: 'x'.repeat(60) });
    expect(() => log.append(s, { data: 'x'.repeat(10) })).toThrow(expect.objectContaining({ code: 40009 }));
    expect(log.get(s)?.data).toBe('x'.repeat(60));
  });

  it('drops the oldest messages beyond maxMessages from history', () => {
    const log = new ChannelLog('c', { retention: { maxMessages: 3 } });
    const serials = Array.from({ length: 5 }, (_, i) => log.create({ name: 'user.message', data: { text: String(i) } }));
    expect(log.messageCount).toBe(3);
    expect(log.history({ direction: 'forwards' }).items.map((m) => m.serial)).toEqual(serials.slice(2));
    expect(log.get(serials[0])).toBeUndefined();
    expect(() => log.append(serials[0], { data: 'x' })).toThrow(expect.objectContaining({ code: 40400 }));
  });

  it('does not resume past dropped events: resumed false with reason retention', () => {
    const log = new ChannelLog('c', { retention: { maxEvents: 8 } });
    const early = log.create({ name: 'user.message', data: { text: 'first' } });
    const s = log.create({ name: 'r', data: '' });
    for (let i = 0; i < 10; i++) log.append(s, { data: 'x' });
    const r = log.attach(() => {}, { fromSerial: early });
    expect(r.resumed).toBe(false);
    expect(r.reason).toBe('retention');
    expect(r.replay).toEqual([]);
    const recent = log.attach(() => {}, { fromSerial: log.channelSerial });
    expect(recent.resumed).toBe(true);
    expect(recent.replay).toEqual([]);
  });
});

describe('ChannelLog history pagination', () => {
  function seeded(n: number) {
    const log = new ChannelLog('c');
    const serials = Array.from({ length: n }, (_, i) => log.create({ name: 'user.message', data: { text: `m${i}` } }));
    return { log, serials };
  }

  function walk(log: ChannelLog, opts: Parameters<ChannelLog['history']>[0]): string[][] {
    const pages: string[][] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const r = log.history(cursor === undefined ? opts : { ...opts, cursor });
      pages.push(r.items.map((m) => m.serial));
      if (r.next === null) break;
      cursor = r.next;
    }
    return pages;
  }

  it('pages backwards, newest first, with no overlap or loss', () => {
    const { log, serials } = seeded(10);
    const pages = walk(log, { direction: 'backwards', limit: 3 });
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 1]);
    expect(pages.flat()).toEqual([...serials].reverse());
  });

  it('pages forwards, oldest first, with no overlap or loss', () => {
    const { log, serials } = seeded(10);
    const pages = walk(log, { direction: 'forwards', limit: 4 });
    expect(pages.map((p) => p.length)).toEqual([4, 4, 2]);
    expect(pages.flat()).toEqual(serials);
  });

  it('bounds both directions by untilSerial (inclusive)', () => {
    const { log, serials } = seeded(10);
    const until = serials[6];
    expect(walk(log, { direction: 'backwards', limit: 4, untilSerial: until }).flat()).toEqual(serials.slice(0, 7).reverse());
    const fwd = walk(log, { direction: 'forwards', limit: 3, untilSerial: until });
    expect(fwd.flat()).toEqual(serials.slice(0, 7));
    expect(fwd.map((p) => p.length)).toEqual([3, 3, 1]);
  });

  it('has no next page when the last page is exactly full', () => {
    const { log, serials } = seeded(6);
    expect(walk(log, { direction: 'backwards', limit: 3 }).flat()).toEqual([...serials].reverse());
    expect(walk(log, { direction: 'backwards', limit: 3 })).toHaveLength(2);
    expect(walk(log, { direction: 'forwards', limit: 3, untilSerial: serials[5] })).toHaveLength(2);
  });

  it('honours sinceSerial (inclusive) in both directions', () => {
    const { log, serials } = seeded(8);
    expect(walk(log, { direction: 'forwards', limit: 2, sinceSerial: serials[3] }).flat()).toEqual(serials.slice(3));
    expect(walk(log, { direction: 'backwards', limit: 2, sinceSerial: serials[3] }).flat()).toEqual(serials.slice(3).reverse());
  });

  it('returns an empty page for an empty channel', () => {
    const log = new ChannelLog('c');
    expect(log.history()).toEqual({ items: [], next: null });
    expect(log.history({ direction: 'forwards', untilSerial: '' })).toEqual({ items: [], next: null });
  });
});

describe('Broker', () => {
  it('creates one log per channel name and reports commits with the channel name', () => {
    const seen: [string, string][] = [];
    const broker = createBroker({ onEvent: (name, e) => seen.push([name, e.message.action]) });
    const a = broker.channel('a');
    expect(broker.channel('a')).toBe(a);
    expect(broker.has('b')).toBe(false);
    const s = a.create({ name: 'r', data: '' });
    a.append(s, { data: 'x' });
    broker.channel('b').create({ name: 'r', data: '' });
    expect(seen).toEqual([
      ['a', 'message.create'],
      ['a', 'message.append'],
      ['b', 'message.create'],
    ]);
    expect(broker.channelNames().sort()).toEqual(['a', 'b']);
  });

  it('applies retention options to every channel', () => {
    const broker = createBroker({ retention: { maxMessageBytes: 10 } });
    expect(() => broker.channel('x').create({ name: 'n', data: 'x'.repeat(50) })).toThrow(expect.objectContaining({ code: 40009 }));
  });
});
