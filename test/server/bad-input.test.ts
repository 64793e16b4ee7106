// What the server does with input it cannot serve — a malformed msgpack frame, an unknown format,
// an unsupported channel param, a REST body it cannot read — always Ably's error shape, naming what to change.
import { decode, encode } from '@ably/msgpack-js';
import type * as Ably from 'ably';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { until } from '../helpers/until.js';
import { startServer, type TestServer } from './helpers.js';

let t: TestServer;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await t?.close();
});

type Frame = Record<string, unknown> & { action: number };

/** A raw socket that records every frame, decoding binary ones as msgpack, and when it closed. */
async function open(query: string): Promise<{ ws: WebSocket; frames: Frame[]; closed: () => boolean; binary: boolean[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${t.server.port}/?key=${encodeURIComponent(t.server.keys[0])}&v=6&${query}`);
  sockets.push(ws);
  const frames: Frame[] = [];
  const binary: boolean[] = [];
  let closed = false;
  ws.on('message', (d: Buffer, isBinary) => {
    binary.push(isBinary);
    frames.push((isBinary ? decode(d) : JSON.parse(d.toString())) as Frame);
  });
  ws.on('close', () => (closed = true));
  await until(() => frames.length > 0, 'the first frame');
  return { ws, frames, closed: () => closed, binary };
}

describe('realtime input the server cannot serve', () => {
  it('speaks msgpack in binary frames when asked, and answers a malformed msgpack frame with ERROR, then closes', async () => {
    t = await startServer();
    const s = await open('format=msgpack');
    expect(s.binary[0]).toBe(true);
    expect(s.frames[0]).toMatchObject({ action: 4, connectionDetails: { maxMessageSize: 65_536 } });
    s.ws.send(encode({ action: 0, id: 'hb' }, true));
    await until(() => s.frames.length === 2, 'the heartbeat answer');
    expect(s.frames[1]).toEqual({ action: 0, id: 'hb' });
    // A map header promising five entries, then one byte.
    s.ws.send(Buffer.from([0x85, 0x01]));
    await until(() => s.closed(), 'the socket to close');
    expect(s.frames[2]).toMatchObject({ action: 9, error: { code: 40000, statusCode: 400, message: expect.stringMatching(/msgpack/) } });
    expect(s.binary[2]).toBe(true);
  });

  it('answers a JSON text frame on a msgpack connection with ERROR in msgpack', async () => {
    t = await startServer();
    const s = await open('format=msgpack');
    s.ws.send(JSON.stringify({ action: 0 }));
    await until(() => s.closed(), 'the socket to close');
    expect(s.frames[1]).toMatchObject({ action: 9, error: { code: 40000, statusCode: 400, message: expect.stringMatching(/format=msgpack/) } });
  });

  it('refuses a format it does not speak with ERROR naming the client option, not a bare close', async () => {
    t = await startServer();
    const s = await open('format=xml');
    await until(() => s.closed(), 'the socket to close');
    expect(s.frames).toEqual([{ action: 9, error: { code: 40003, statusCode: 400, message: expect.stringMatching(/useBinaryProtocol/) } }]);
  });

  it('fails an attach whose channel params it does not support, naming the param', async () => {
    t = await startServer();
    const c = t.client();
    const attachError = (name: string, options?: Ably.ChannelOptions) =>
      c.channels
        .get(name, options)
        .attach()
        .then(
          () => undefined,
          (e: Ably.ErrorInfo) => e,
        );
    expect(await attachError('p1', { params: { delta: 'vcdiff' } })).toMatchObject({ code: 40002, statusCode: 400, message: expect.stringMatching(/params\.delta/) });
    expect(await attachError('p2', { params: { rewind: 'two minutes' } })).toMatchObject({ code: 40003, statusCode: 400, message: expect.stringMatching(/params\.rewind/) });
    expect(await attachError('[?rewind=1]p3')).toMatchObject({ code: 40010, statusCode: 400, message: expect.stringMatching(/params: \{ rewind/) });
    // `agent`, which ably/react sets to name itself, is accepted and echoed.
    const named = c.channels.get('p-agent', { params: { agent: 'react-hooks/2.28.0', rewind: '1' } });
    await named.attach();
    expect(named.params).toEqual({ agent: 'react-hooks/2.28.0', rewind: '1' });
    // A refused re-attach fails the channel, as on Ably; the connection survives every refusal, and
    // the channel attaches again once its options are fixed.
    const live = c.channels.get('p4', { params: { rewind: '5' } });
    const got: string[] = [];
    await live.subscribe((m) => got.push(m.data as string));
    await expect(live.setOptions({ params: { occupancy: 'metrics' } })).rejects.toMatchObject({ code: 40002 });
    expect(live.state).toBe('failed');
    expect(c.connection.state).toBe('connected');
    await live.setOptions({ params: { rewind: '5' } });
    await live.attach();
    await t.rest().channels.get('p4').publish('n', 'delivered');
    await until(() => got.length === 1, 'a delivery after the channel is fixed');
    expect(got).toEqual(['delivered']);
  });
});

describe('REST input the server cannot serve', () => {
  const post = (path: string, body: BodyInit, contentType: string) =>
    fetch(`${t.server.url}${path}`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': contentType, Authorization: `Basic ${Buffer.from(t.server.keys[0]).toString('base64')}` },
    });

  it('refuses a malformed msgpack body and an unsupported Content-Type in Ably’s error shape', async () => {
    t = await startServer();
    const bad = await post('/channels/x/messages', new Uint8Array([0x85, 0x01]), 'application/x-msgpack');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-ably-errorcode')).toBe('40001');
    expect(await bad.json()).toEqual({ error: { code: 40001, statusCode: 400, message: expect.stringMatching(/not valid msgpack/) } });
    const xml = await post('/channels/x/messages', '<m/>', 'application/xml');
    expect(xml.status).toBe(415);
    expect(await xml.json()).toEqual({ error: { code: 40001, statusCode: 415, message: expect.stringMatching(/useBinaryProtocol/) } });
  });

  it('answers in msgpack when asked, refuses an unknown format, and names the option for the comet transport', async () => {
    t = await startServer();
    const packed = await fetch(`${t.server.url}/time`, { headers: { Accept: 'application/x-msgpack' } });
    expect(packed.headers.get('content-type')).toBe('application/x-msgpack');
    const [now] = decode(Buffer.from(await packed.arrayBuffer())) as number[];
    expect(Math.abs(now - Date.now())).toBeLessThan(60_000);
    const enveloped = await fetch(`${t.server.url}/channels/x/messages?envelope=msgpack`);
    expect(enveloped.status).toBe(200);
    expect(decode(Buffer.from(await enveloped.arrayBuffer()))).toMatchObject({ statusCode: 401, headers: { 'x-ably-errorcode': '40101' }, response: { error: { code: 40101, statusCode: 401 } } });
    const odd = await fetch(`${t.server.url}/time?format=xml`);
    expect(odd.status).toBe(400);
    expect(await odd.json()).toEqual({ error: { code: 40003, statusCode: 400, message: expect.stringMatching(/json and msgpack/) } });
    const comet = await fetch(`${t.server.url}/comet/connect?format=json`);
    expect(await comet.json()).toEqual({ error: { code: 80001, statusCode: 400, message: expect.stringMatching(/transports: \['web_socket'\]/) } });
  });

  it('refuses a publish that is an append in disguise, naming the method to use', async () => {
    t = await startServer();
    const r = await post('/channels/x/messages', JSON.stringify({ action: 5, serial: 's', data: 'x' }), 'application/json');
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: { code: 40003, statusCode: 400, message: expect.stringMatching(/appendMessage/) } });
  });
});
