// The ably SDK exactly as a user writes it for Ably cloud — only key, endpoint, port and tls — against
// the local server: msgpack by default in Node, binary data, REST, and resume after a dropped socket.
import * as Ably from 'ably';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/until.js';
import { connected, headersOf, startServer, TextFold, type TestServer } from './helpers.js';

let t: TestServer;
const opened: Ably.Realtime[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) c.close();
  await t?.close();
});

/** A client with the SDK's defaults for everything but where the server is. */
function defaultClient(extra: { clientId?: string } = {}): Ably.Realtime {
  const c = new Ably.Realtime({ key: t.server.keys[0], endpoint: 'localhost', port: t.server.port, tls: false, ...extra });
  opened.push(c);
  return c;
}

const streaming = (status: string, offset: number) => ({ headers: { 'ds-status': status, 'ds-offset': String(offset) } });

describe('the SDK defaults against the local server', () => {
  it('connects over msgpack and publishes, appends, reads history and shows presence', async () => {
    t = await startServer({ host: 'localhost' });
    const agent = defaultClient({ clientId: 'agent-1' });
    const watcher = defaultClient({ clientId: 'watcher' });
    await Promise.all([connected(agent), connected(watcher)]);
    expect((agent as unknown as { options: Ably.ClientOptions }).options.useBinaryProtocol).toBe(true);

    const fold = new TextFold();
    const wch = watcher.channels.get('session:defaults');
    await wch.subscribe(fold.apply);
    await wch.presence.enter({ kind: 'user' });
    const ch = agent.channels.get('session:defaults');
    await ch.presence.enter({ kind: 'agent' });
    const { serials } = await ch.publish({ name: 'agent.response', data: '', extras: streaming('streaming', 0) });
    const serial = serials[0]!;
    await ch.appendMessage({ serial, data: 'Hello, ', extras: streaming('streaming', 0) });
    await ch.appendMessage({ serial, data: 'msgpack', extras: streaming('complete', 7) });
    await until(() => fold.status.get(serial) === 'complete', 'the last append');
    expect(fold.text.get(serial)).toBe('Hello, msgpack');
    expect(fold.actions).toEqual(['message.create', 'message.append', 'message.append']);

    const page = await wch.history();
    expect(page.items.map((m) => [m.action, m.data, headersOf(m)['ds-status']])).toEqual([['message.update', 'Hello, msgpack', 'complete']]);
    const members = await until(() => wch.presence.get(), 'both members', { ok: (m) => m.length === 2 });
    expect(members.map((m) => [m.clientId, (m.data as { kind: string }).kind]).sort()).toEqual([
      ['agent-1', 'agent'],
      ['watcher', 'user'],
    ]);
  });

  it('carries binary data as binary, between msgpack and JSON clients alike', async () => {
    t = await startServer();
    const packed = defaultClient({ clientId: 'packed' });
    const json = new Ably.Realtime({ key: t.server.keys[0], endpoint: '127.0.0.1', port: t.server.port, tls: false, useBinaryProtocol: false });
    opened.push(json);
    const got = { packed: [] as Ably.InboundMessage[], json: [] as Ably.InboundMessage[] };
    await packed.channels.get('bin').subscribe((m) => got.packed.push(m));
    await json.channels.get('bin').subscribe((m) => got.json.push(m));
    const bytes = [0, 1, 2, 250, 255];
    await packed.channels.get('bin').publish('buffer', Buffer.from(bytes));
    await json.channels.get('bin').publish('uint8array', new Uint8Array(bytes));
    await packed.channels.get('bin').publish('arraybuffer', new Uint8Array(bytes).buffer);
    await until(() => got.packed.length === 3 && got.json.length === 3, 'three deliveries to each');
    for (const m of [...got.packed, ...got.json]) {
      expect(Buffer.isBuffer(m.data), `${m.name} arrives as bytes`).toBe(true);
      expect([...(m.data as Buffer)]).toEqual(bytes);
    }
    const history = await new Ably.Rest({ key: t.server.keys[0], endpoint: '127.0.0.1', port: t.server.port, tls: false }).channels.get('bin').history();
    expect(history.items.map((m) => [...(m.data as Buffer)])).toEqual([bytes, bytes, bytes]);
  });

  it('weighs binary data by its bytes against the message size limit', async () => {
    t = await startServer();
    const ch = defaultClient().channels.get('big');
    // As JSON text these bytes would weigh several times the 64 KiB limit; as bytes they fit.
    await expect(ch.publish('fits', Buffer.alloc(48 * 1024, 200))).resolves.toBeDefined();
    await expect(ch.publish('too-big', Buffer.alloc(70 * 1024, 200))).rejects.toMatchObject({ code: 40009 });
  });

  it('resumes the same connection after a dropped socket, missing nothing', async () => {
    t = await startServer();
    const reader = defaultClient();
    const writer = defaultClient();
    await Promise.all([connected(reader), connected(writer)]);
    const seen: string[] = [];
    const rch = reader.channels.get('resume');
    await rch.subscribe((m) => seen.push(m.data as string));
    await writer.channels.get('resume').publish('n', 'before');
    await until(() => seen.length === 1, 'the first message');
    const id = reader.connection.id!;
    let release!: () => void;
    const outage = new Promise<void>((r) => (release = r));
    const down = new Promise<void>((r) => reader.connection.once('disconnected', () => r()));
    t.server.dropConnection(id, 'now', { holdUntil: outage });
    await down;
    await writer.channels.get('resume').publish('n', 'while away');
    release();
    await until(() => seen.length === 2, 'the message sent while away');
    expect(reader.connection.id).toBe(id);
    expect(seen).toEqual(['before', 'while away']);
    expect(rch.state).toBe('attached');
  });

  it('rewinds by time: a client attaching with rewind "2m" gets what was published in the window', async () => {
    t = await startServer();
    const writer = defaultClient();
    const ch = writer.channels.get('rewind-time');
    for (const word of ['one', 'two', 'three']) await ch.publish('w', word);
    const late = defaultClient();
    const got: string[] = [];
    await late.channels.get('rewind-time', { params: { rewind: '2m' } }).subscribe((m) => got.push(m.data as string));
    await until(() => got.length === 3, 'three rewound messages');
    expect(got).toEqual(['one', 'two', 'three']);
    const none = defaultClient();
    const nothing: string[] = [];
    const quiet = none.channels.get('rewind-time', { params: { rewind: '0s' } });
    await quiet.subscribe((m) => nothing.push(m.data as string));
    await ch.publish('w', 'four');
    await until(() => nothing.length === 1, 'the live message');
    expect(nothing).toEqual(['four']);
  });
});
