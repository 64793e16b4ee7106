import { afterEach, describe, expect, it } from 'vitest';
import type * as Ably from 'ably';
import { until } from '../helpers/until.js';
import { connected, headersOf, startServer, stateChange, TextFold, type TestServer } from './helpers.js';

let t: TestServer;
afterEach(async () => {
  await t?.close();
});

const streaming = (status: string, offset: number) => ({ headers: { 'ds-status': status, 'ds-offset': String(offset) } });

describe('realtime over the ably SDK', () => {
  it('connects, publishes with an ACK carrying the serial, and delivers to a subscriber', async () => {
    t = await startServer();
    const a = t.client({ clientId: 'alice' });
    const b = t.client({ clientId: 'bob' });
    await Promise.all([connected(a), connected(b)]);
    const got: Ably.InboundMessage[] = [];
    const chB = b.channels.get('session:1');
    await chB.subscribe((m) => got.push(m));
    const res = await a.channels.get('session:1').publish({ name: 'user.message', data: { text: 'hi' }, extras: { headers: { 'ds-turn': 't1' } } });
    expect(res.serials[0]).toMatch(/^\d{14}-\d{3}@/);
    await until(() => got.length === 1, 'delivery');
    expect(got[0].data).toEqual({ text: 'hi' });
    expect(got[0].serial).toBe(res.serials[0]);
    expect(got[0].action).toBe('message.create');
    expect(got[0].clientId).toBe('alice');
    expect(headersOf(got[0])).toEqual({ 'ds-turn': 't1' });
  });

  it('delivers in publish order', async () => {
    t = await startServer();
    const a = t.client();
    const b = t.client();
    const seen: string[] = [];
    await b.channels.get('order').subscribe((m) => seen.push(m.data as string));
    const ch = a.channels.get('order');
    await Promise.all(Array.from({ length: 50 }, (_, i) => ch.publish('n', String(i))));
    await until(() => seen.length === 50, '50 messages');
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
  });

  it('sends appends live as deltas, but whole to history, rewind and a subscriber that missed the create', async () => {
    t = await startServer();
    const agent = t.client({ clientId: 'agent' });
    const live = t.client();
    const fold = new TextFold();
    await live.channels.get('s').subscribe(fold.apply);
    const ch = agent.channels.get('s');
    await ch.attach();
    const { serials } = await ch.publish({ name: 'agent.response', data: '', extras: streaming('streaming', 0) });
    const serial = serials[0]!;
    await ch.appendMessage({ serial, data: 'Hel', extras: streaming('streaming', 0) });
    // A late subscriber joins mid-stream: its first sight of the message must carry the text so far.
    const late = t.client();
    const lateFold = new TextFold();
    await late.channels.get('s').subscribe(lateFold.apply);
    const v = await ch.appendMessage({ serial, data: 'lo', extras: streaming('streaming', 3) });
    expect(v.versionSerial).toMatch(/^\d{14}-/);
    await ch.appendMessage({ serial, data: '!', extras: streaming('complete', 5) });

    await until(() => fold.status.get(serial) === 'complete' && lateFold.status.get(serial) === 'complete', 'final append');
    expect(fold.actions).toEqual(['message.create', 'message.append', 'message.append', 'message.append']);
    expect(fold.text.get(serial)).toBe('Hello!');
    expect(lateFold.actions).toEqual(['message.update', 'message.append']);
    expect(lateFold.text.get(serial)).toBe('Hello!');

    const page = await live.channels.get('s').history();
    expect(page.items).toHaveLength(1);
    expect(page.items[0].action).toBe('message.update');
    expect(page.items[0].data).toBe('Hello!');
    expect(page.items[0].serial).toBe(serial);
    expect(headersOf(page.items[0])['ds-status']).toBe('complete');

    const rewinder = t.client();
    const rw = new TextFold();
    await rewinder.channels.get('s', { params: { rewind: '10' } }).subscribe(rw.apply);
    await until(() => rw.actions.length === 1, 'rewind delivery');
    expect(rw.actions).toEqual(['message.update']);
    expect(rw.text.get(serial)).toBe('Hello!');
  });

  it('updateMessage replaces the data for everyone and in history', async () => {
    t = await startServer();
    const a = t.client({ clientId: 'a' });
    const ch = a.channels.get('u');
    const fold = new TextFold();
    await ch.subscribe(fold.apply);
    const { serials } = await ch.publish('note', 'draft');
    await ch.updateMessage({ serial: serials[0]!, data: 'final' });
    await until(() => fold.text.get(serials[0]!) === 'final', 'update');
    const page = await ch.history();
    expect(page.items[0].data).toBe('final');
  });

  it('resumes a dropped connection with the same id and no loss or duplication', async () => {
    t = await startServer();
    const pub = t.client();
    const sub = t.client();
    await connected(sub);
    const idBefore = sub.connection.id!;
    const ch = sub.channels.get('r');
    const fold = new TextFold();
    await ch.subscribe(fold.apply);
    let discontinuities = 0;
    ch.on('update', (c) => {
      if (!c.resumed) discontinuities++;
    });
    const reattached = stateChange(ch, 'attached');
    const pch = pub.channels.get('r');
    const { serials } = await pch.publish('agent.response', 'a');
    await until(() => fold.text.get(serials[0]!) === 'a', 'first delivery');
    expect(t.server.dropConnection(idBefore)).toBe(true);
    // Published while the subscriber is away: must arrive after the resume, once.
    for (const d of ['b', 'c', 'd']) await pch.appendMessage({ serial: serials[0]!, data: d });
    const change = await reattached;
    expect(change.resumed).toBe(true);
    await until(() => fold.text.get(serials[0]!) === 'abcd', 'resumed text');
    expect(sub.connection.id).toBe(idBefore);
    expect(fold.actions).toEqual(['message.create', 'message.append', 'message.append', 'message.append']);
    expect(discontinuities).toBe(0);
  });

  it('shows presence across connections, including data updates and leave on close', async () => {
    t = await startServer();
    const a = t.client({ clientId: 'alice' });
    const b = t.client({ clientId: 'bob' });
    const chA = a.channels.get('p');
    const chB = b.channels.get('p');
    await chA.presence.enter({ kind: 'user', tabId: 'a1' });
    await chB.presence.enter({ kind: 'agent', agentId: 'x' });
    const seenByA = await until(() => chA.presence.get(), 'both members seen by alice', { ok: (m) => m.length === 2 });
    expect(seenByA.map((m) => m.clientId).sort()).toEqual(['alice', 'bob']);
    expect(seenByA.find((m) => m.clientId === 'bob')!.data).toEqual({ kind: 'agent', agentId: 'x' });
    await chB.presence.update({ kind: 'agent', agentId: 'y' });
    await until(() => chA.presence.get({ clientId: 'bob' }), "bob's updated data seen by alice", {
      ok: (m) => (m[0]?.data as { agentId?: string } | undefined)?.agentId === 'y',
    });
    const rest = await t.rest().channels.get('p').presence.get();
    expect(rest.items.map((m) => m.clientId).sort()).toEqual(['alice', 'bob']);
    const left = new Promise<Ably.PresenceMessage>((resolve) => chA.presence.subscribe('leave', resolve));
    b.close();
    expect((await left).clientId).toBe('bob');
    expect((await chA.presence.get()).map((m) => m.clientId)).toEqual(['alice']);
  });

  it('gives each presence member the same id over REST as in realtime PRESENCE and SYNC frames', async () => {
    t = await startServer();
    const a = t.client({ clientId: 'alice' });
    const b = t.client({ clientId: 'bob' });
    const chA = a.channels.get('pid');
    await chA.presence.enter({ kind: 'user' });
    await b.channels.get('pid').presence.enter({ kind: 'agent' });
    await b.channels.get('pid').presence.update({ kind: 'agent', busy: true });
    const idsOf = (members: { clientId: string; id: string }[]) => Object.fromEntries(members.map((m) => [m.clientId, m.id]));
    // Alice learns of bob from PRESENCE frames; a late joiner learns of both from SYNC.
    const live = await until(() => chA.presence.get(), 'alice to see bob updated', {
      ok: (m) => m.length === 2 && (m.find((x) => x.clientId === 'bob')?.data as { busy?: boolean } | undefined)?.busy === true,
    });
    const late = await t.client().channels.get('pid').presence.get();
    const rest = await t.rest().channels.get('pid').presence.get();
    expect(idsOf(rest.items)).toEqual(idsOf(live));
    expect(idsOf(late)).toEqual(idsOf(live));
    expect(new Set(Object.values(idsOf(live))).size).toBe(2);
  });

  it('untilAttach history ends exactly at the attach point, in pages', async () => {
    t = await startServer();
    const pub = t.client();
    const pch = pub.channels.get('h');
    for (let i = 0; i < 7; i++) await pch.publish('n', `m${i}`);
    const sub = t.client();
    const ch = sub.channels.get('h');
    const live: string[] = [];
    await ch.subscribe((m) => live.push(m.data as string));
    await pch.publish('n', 'after');
    await until(() => live.includes('after'), 'live message');
    let page = await ch.history({ untilAttach: true, limit: 3 });
    const got: string[] = page.items.map((m) => m.data as string);
    while (page.hasNext()) {
      page = (await page.next())!;
      got.push(...page.items.map((m) => m.data as string));
    }
    expect(got).toEqual(['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);
    const fwd = await ch.history({ untilAttach: true, direction: 'forwards', limit: 100 });
    expect(fwd.items.map((m) => m.data)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('gives an empty channel an attach serial, so untilAttach history works before anything is published', async () => {
    t = await startServer();
    const c = t.client();
    const ch = c.channels.get('empty');
    await ch.attach();
    const page = await ch.history({ untilAttach: true });
    expect(page.items).toEqual([]);
    await ch.publish('n', 'x');
    expect((await ch.history({ untilAttach: true })).items).toEqual([]);
  });

  it('answers REST time and history with Link pagination', async () => {
    t = await startServer();
    const c = t.client();
    const ch = c.channels.get('rest');
    for (let i = 0; i < 5; i++) await ch.publish('n', `m${i}`);
    const rest = t.rest();
    const time = await rest.time();
    expect(Math.abs(time - Date.now())).toBeLessThan(60_000);
    const p1 = await rest.channels.get('rest').history({ limit: 2, direction: 'forwards' });
    expect(p1.items.map((m) => m.data)).toEqual(['m0', 'm1']);
    const p2 = (await p1.next())!;
    expect(p2.items.map((m) => m.data)).toEqual(['m2', 'm3']);
    const p3 = (await p2.next())!;
    expect(p3.items.map((m) => m.data)).toEqual(['m4']);
    expect(p3.hasNext()).toBe(false);
  });

  it('filters REST history by start/end time and puts status and Link in the body for envelope=json', async () => {
    t = await startServer();
    const ch = t.client().channels.get('times');
    await ch.publish('n', 'old');
    const cut = Date.now() + 1;
    await until(() => Date.now() > cut, 'the clock to pass the cut');
    await ch.publish('n', 'new1');
    await ch.publish('n', 'new2');
    const rest = t.rest();
    const since = await rest.channels.get('times').history({ start: cut, direction: 'forwards' });
    expect(since.items.map((m) => m.data)).toEqual(['new1', 'new2']);
    const before = await rest.channels.get('times').history({ end: cut - 1 });
    expect(before.items.map((m) => m.data)).toEqual(['old']);
    const key = encodeURIComponent(t.server.keys[0]);
    const res = await fetch(`${t.server.url}/channels/times/messages?limit=1&envelope=json&key=${key}`);
    const body = (await res.json()) as { statusCode: number; headers: { link?: string }; response: { data: string }[] };
    expect(body.statusCode).toBe(200);
    expect(body.response.map((m) => m.data)).toEqual(['new2']);
    expect(body.headers.link).toMatch(/^<\.\/messages\?.*cursor=.*>; rel="next"$/);
  });
});
