// Publishing with Ably.Rest alone — publish, batches, idempotent ids, appendMessage — in msgpack and
// in JSON, seen live by a realtime subscriber and in history.
import * as Ably from 'ably';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/until.js';
import { headersOf, startServer, TextFold, type TestServer } from './helpers.js';

let t: TestServer;
afterEach(async () => {
  await t?.close();
});

const streaming = (status: string, offset: number) => ({ headers: { 'ds-status': status, 'ds-offset': String(offset) } });

function rest(format: 'json' | 'msgpack', extra: Ably.ClientOptions = {}): Ably.Rest {
  return new Ably.Rest({ key: t.server.keys[0], endpoint: '127.0.0.1', port: t.server.port, tls: false, ...(format === 'json' ? { useBinaryProtocol: false } : {}), ...extra });
}

describe.each(['msgpack', 'json'] as const)('REST publishing over %s', (format) => {
  it('publishes one message and a batch, each delivered live with its serial', async () => {
    t = await startServer();
    const sub = t.client();
    const got: Ably.InboundMessage[] = [];
    await sub.channels.get('rest').subscribe((m) => got.push(m));
    const ch = rest(format, { clientId: 'agent-rest' }).channels.get('rest');
    const one = await ch.publish('user.message', { text: 'hi' });
    const batch = await ch.publish([
      { name: 'a', data: 'first' },
      { name: 'b', data: 'second', extras: { headers: { 'ds-turn': 't1' } } },
    ]);
    expect(one.serials).toHaveLength(1);
    expect(batch.serials).toHaveLength(2);
    await until(() => got.length === 3, 'three deliveries');
    expect(got.map((m) => [m.name, m.data, m.serial, m.clientId])).toEqual([
      ['user.message', { text: 'hi' }, one.serials[0], 'agent-rest'],
      ['a', 'first', batch.serials[0], 'agent-rest'],
      ['b', 'second', batch.serials[1], 'agent-rest'],
    ]);
    expect(headersOf(got[2])).toEqual({ 'ds-turn': 't1' });
  });

  it('applies a message id once: a retried publish returns the first serial and adds nothing', async () => {
    t = await startServer();
    const ch = rest(format).channels.get('idem');
    const first = await ch.publish({ id: 'turn-1', name: 'user.message', data: 'once' });
    const again = await ch.publish({ id: 'turn-1', name: 'user.message', data: 'once' });
    expect(again.serials).toEqual(first.serials);
    const page = await ch.history();
    expect(page.items.map((m) => [m.id, m.data])).toEqual([['turn-1', 'once']]);
  });

  it('streams a response with appendMessage: live deltas, whole in history', async () => {
    t = await startServer();
    const sub = t.client();
    const fold = new TextFold();
    await sub.channels.get('stream').subscribe(fold.apply);
    const ch = rest(format, { clientId: 'agent-rest' }).channels.get('stream');
    const { serials } = await ch.publish({ name: 'agent.response', data: '', extras: streaming('streaming', 0) });
    const serial = serials[0]!;
    const first = await ch.appendMessage({ serial, data: 'over ', extras: streaming('streaming', 0) } as Ably.Message);
    await ch.appendMessage({ serial, data: 'REST', extras: streaming('complete', 5) } as Ably.Message);
    expect(first.versionSerial).toMatch(/^\d{14}-/);
    await until(() => fold.status.get(serial) === 'complete', 'the final append');
    expect(fold.actions).toEqual(['message.create', 'message.append', 'message.append']);
    expect(fold.text.get(serial)).toBe('over REST');
    const page = await ch.history();
    expect(page.items.map((m) => [m.action, m.data, headersOf(m)['ds-status']])).toEqual([['message.update', 'over REST', 'complete']]);
  });

  it('refuses in Ably’s error shape: a publish the capability does not allow, an append to an unknown serial', async () => {
    t = await startServer({ keys: ['app.full:secret', { key: 'app.reader:secret', capability: { '*': ['subscribe', 'history'] } }] });
    const reader = rest(format, { key: 'app.reader:secret' }).channels.get('locked');
    await expect(reader.publish('n', 'x')).rejects.toMatchObject({ code: 40160, statusCode: 401 });
    const full = rest(format, { key: 'app.full:secret' }).channels.get('locked');
    await expect(full.appendMessage({ serial: '00000000000000-000@nowhere:0', data: 'x' } as Ably.Message)).rejects.toMatchObject({ statusCode: 404 });
  });
});
