import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import * as Ably from 'ably';
import { WebSocket } from 'ws';
import { until } from '../helpers/until.js';
import { connected, startServer, type TestServer } from './helpers.js';

let t: TestServer;
let authServer: Server | undefined;
afterEach(async () => {
  await t?.close();
  if (authServer) await new Promise((r) => authServer!.close(r));
  authServer = undefined;
});

const BROWSER_CAPABILITY: Record<string, Ably.capabilityOp[]> = { 'session:*': ['subscribe', 'publish', 'presence', 'history'] };

function failure(c: Ably.Realtime): Promise<Ably.ErrorInfo> {
  return new Promise((resolve) => {
    c.connection.on((s) => {
      if (s.current === 'failed') resolve(s.reason!);
    });
  });
}

/** Options without a key, for a client that must get its credentials elsewhere. */
function keyless(t: TestServer): Ably.ClientOptions {
  const { key: _key, ...rest } = t.server.clientOptions() as unknown as Ably.ClientOptions;
  return { ...rest, disconnectedRetryTimeout: 100 };
}

/** An app server that signs token requests with the key, as the kit's docs show for `authUrl`. */
async function startAuthServer(t: TestServer, clientId: string, capability: Record<string, Ably.capabilityOp[]>): Promise<string> {
  const signer = t.rest();
  authServer = createHttpServer((_req, res) => {
    signer.auth.createTokenRequest({ clientId, capability }).then(
      (tr) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(tr));
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((r) => authServer!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(authServer.address() as AddressInfo).port}/token`;
}

async function rawSocket(t: TestServer): Promise<{ ws: WebSocket; frames: Record<string, unknown>[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${t.server.port}/?key=${encodeURIComponent(t.server.keys[0])}&format=json&v=6`);
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Record<string, unknown>));
  await until(() => frames.some((f) => f.action === 4), 'CONNECTED');
  return { ws, frames };
}

describe('keys', () => {
  it('rejects an unknown key name with 40400 and a wrong secret with 40101', async () => {
    t = await startServer();
    const [name] = t.server.keys[0].split(':');
    const unknown = t.client({ key: 'local.nosuchkey:secret' });
    expect((await failure(unknown)).code).toBe(40400);
    const wrong = t.client({ key: `${name}:not-the-secret` });
    const err = await failure(wrong);
    expect(err.code).toBe(40101);
    expect(err.statusCode).toBe(401);
  });

  it('accepts Basic auth and key= on REST and refuses a bad key there too', async () => {
    t = await startServer();
    await t.client().channels.get('k').publish('n', 'x');
    const basic = await fetch(`${t.server.url}/channels/k/messages`, {
      headers: { Authorization: `Basic ${Buffer.from(t.server.keys[0]).toString('base64')}` },
    });
    expect(basic.status).toBe(200);
    expect(((await basic.json()) as { data: string }[])[0].data).toBe('x');
    const query = await fetch(`${t.server.url}/channels/k/messages?key=${encodeURIComponent(t.server.keys[0])}`);
    expect(query.status).toBe(200);
    const bad = await fetch(`${t.server.url}/channels/k/messages?key=local.x:y`);
    expect(bad.status).toBe(404);
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(40400);
    const none = await fetch(`${t.server.url}/channels/k/messages`);
    expect(none.status).toBe(401);
  });

  it('answers CORS preflights and wraps responses for envelope=json', async () => {
    t = await startServer();
    const pre = await fetch(`${t.server.url}/channels/x/messages`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://app.test', 'Access-Control-Request-Headers': 'authorization,x-ably-version,ably-agent' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(pre.headers.get('access-control-allow-headers')).toContain('x-ably-version');
    const env = await fetch(`${t.server.url}/channels/x/messages?envelope=json&key=local.x:y`);
    expect(env.status).toBe(200);
    const body = (await env.json()) as { statusCode: number; response: { error: { code: number } } };
    expect(body.statusCode).toBe(404);
    expect(body.response.error.code).toBe(40400);
  });
});

describe('tokens and capabilities', () => {
  it('issues tokens through authUrl and enforces their capability and clientId', async () => {
    t = await startServer();
    const authUrl = await startAuthServer(t, 'user-1', BROWSER_CAPABILITY);
    const agent = t.client({ clientId: 'agent' });
    const browser = t.client({ ...keyless(t), authUrl });
    await connected(browser);
    expect(browser.auth.clientId).toBe('user-1');
    const ch = browser.channels.get('session:1');
    await ch.attach();
    const { serials } = await ch.publish('user.message', { text: 'hi' });
    expect(serials).toHaveLength(1);
    const hist = await ch.history();
    expect(hist.items[0].clientId).toBe('user-1');

    // The browser token may not grow an agent's response.
    const resp = await agent.channels.get('session:1').publish('agent.response', '');
    await expect(ch.appendMessage({ serial: resp.serials[0]!, data: 'forged' })).rejects.toMatchObject({ code: 40160, statusCode: 401 });
    // Nor create agent-only events: those need the privileged-headers capability agents' keys have.
    await expect(ch.publish('agent.response', '')).rejects.toMatchObject({ code: 40160 });
    await expect(ch.publish('control.steer-ack', { steerId: 's', agentId: 'a', status: 'applied' })).rejects.toMatchObject({ code: 40160 });
    // Nor publish as somebody else.
    await expect(ch.publish({ name: 'user.message', data: { text: 'x' }, clientId: 'user-2' })).rejects.toMatchObject({ code: 40012 });
    // Nor touch channels outside its capability.
    await expect(browser.channels.get('admin').attach()).rejects.toMatchObject({ code: 40160 });
    // The connection is still fine afterwards.
    await ch.publish('user.message', { text: 'still here' });
    expect(browser.connection.state).toBe('connected');
    const rest = new Ably.Rest({ ...keyless(t), authUrl, logLevel: 0 });
    await expect(rest.channels.get('other').history()).rejects.toMatchObject({ code: 40160 });
    expect((await rest.channels.get('session:1').history()).items.map((m) => m.name)).toEqual(['user.message', 'agent.response', 'user.message']);
  });

  it('refuses publish, presence and history a subscribe-only token lacks', async () => {
    t = await startServer();
    const signer = t.rest();
    const c = t.client({
      ...keyless(t),
      authCallback: (_p, cb) => {
        signer.auth.createTokenRequest({ clientId: 'viewer', capability: { 'session:*': ['subscribe'] } }).then((tr) => cb(null, tr), (e: Ably.ErrorInfo) => cb(e, null));
      },
    });
    const ch = c.channels.get('session:9');
    await ch.attach();
    await expect(ch.publish('n', 'x')).rejects.toMatchObject({ code: 40160 });
    await expect(ch.presence.enter({ kind: 'user' })).rejects.toMatchObject({ code: 40160 });
    await expect(ch.history()).rejects.toMatchObject({ code: 40160 });
  });

  it('refuses a token asking for more than its key grants', async () => {
    t = await startServer({ keys: [{ key: 'app.limited:secret', capability: { 'session:*': ['subscribe'] } }] });
    const signer = t.rest();
    await expect(signer.auth.requestToken({ capability: { admin: ['publish'] } })).rejects.toMatchObject({ code: 40160 });
    const ok = await signer.auth.requestToken({ capability: { 'session:*': ['subscribe', 'publish'] } });
    expect(JSON.parse(ok.capability)).toEqual({ 'session:*': ['subscribe'] });
  });

  it('rejects forged and expired tokens with token error codes', async () => {
    t = await startServer();
    const forged = t.client({ ...keyless(t), token: 'eyJrIjoieCJ9.AAAA' });
    const codes: number[] = [];
    forged.connection.on('disconnected', (s) => codes.push(s.reason!.code));
    // A token error makes the SDK try to renew; with nothing to renew from it gives up.
    expect((await failure(forged)).code).toBe(40171);
    expect(codes).toEqual([40144]);
    const details = await t.rest().auth.requestToken({ ttl: 1 });
    await new Promise((r) => setTimeout(r, 20));
    const res = await fetch(`${t.server.url}/channels/x/messages`, {
      headers: { Authorization: `Bearer ${Buffer.from(details.token).toString('base64')}` },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(40142);
    const { ws, frames } = await (async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${t.server.port}/?access_token=${encodeURIComponent(details.token)}&format=json`);
      const frames: Record<string, unknown>[] = [];
      ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Record<string, unknown>));
      await until(() => frames.length > 0, 'first frame');
      return { ws, frames };
    })();
    expect(frames[0]).toMatchObject({ action: 9, error: { code: 40142, statusCode: 401 } });
    ws.terminate();
  });

  it('disconnects when a token expires; the SDK renews it and resumes the same connection', async () => {
    t = await startServer();
    const signer = t.rest();
    let issued = 0;
    const c = t.client({
      authCallback: (_p, cb) => {
        issued++;
        signer.auth.createTokenRequest({ clientId: 'renewer', ttl: issued === 1 ? 800 : 60_000 }).then((tr) => cb(null, tr), (e: Ably.ErrorInfo) => cb(e, null));
      },
    });
    await connected(c);
    const id = c.connection.id;
    const reason = await new Promise<Ably.ErrorInfo>((resolve) => c.connection.once('disconnected', (s) => resolve(s.reason!)));
    expect(reason.code).toBe(40142);
    await new Promise((r) => c.connection.once('connected', r));
    expect(c.connection.id).toBe(id);
    expect(issued).toBeGreaterThanOrEqual(2);
  });

  it('accepts an in-band token renewal (AUTH) on a live connection', async () => {
    t = await startServer();
    const signer = t.rest();
    const tokens: string[] = [];
    const c = t.client({
      authCallback: (_p, cb) => {
        signer.auth.requestToken({ clientId: 'renewer' }).then(
          (td) => {
            tokens.push(td.token);
            cb(null, td);
          },
          (e: Ably.ErrorInfo) => cb(e, null),
        );
      },
    });
    await connected(c);
    const id = c.connection.id;
    const renewed = await c.auth.authorize();
    expect(tokens).toHaveLength(2);
    expect(renewed.token).toBe(tokens[1]);
    expect(c.connection.state).toBe('connected');
    expect(c.connection.id).toBe(id);
    await c.channels.get('after-auth').publish('n', 'ok');
  });

  it('rejects a token request with a bad signature', async () => {
    t = await startServer();
    const tr = await t.rest().auth.createTokenRequest({ clientId: 'x' });
    const res = await fetch(`${t.server.url}/keys/${tr.keyName}/requestToken`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...tr, clientId: 'someone-else' }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(40101);
    const replay = await fetch(`${t.server.url}/keys/${tr.keyName}/requestToken`, { method: 'POST', body: JSON.stringify(tr) });
    expect(replay.status).toBe(200);
    const again = await fetch(`${t.server.url}/keys/${tr.keyName}/requestToken`, { method: 'POST', body: JSON.stringify(tr) });
    expect(((await again.json()) as { error: { code: number } }).error.code).toBe(40105);
  });
});

describe('bad input', () => {
  it('NACKs an oversize append and publish with 40009, keeping the connection', async () => {
    t = await startServer();
    const c = t.client();
    const ch = c.channels.get('big');
    const { serials } = await ch.publish('agent.response', '');
    await expect(ch.appendMessage({ serial: serials[0]!, data: 'x'.repeat(70_000) })).rejects.toMatchObject({ code: 40009, statusCode: 400 });
    // The SDK checks publish size itself; a raw frame shows the server's own answer.
    const { ws, frames } = await rawSocket(t);
    ws.send(JSON.stringify({ action: 15, channel: 'big', msgSerial: 0, messages: [{ name: 'n', data: 'y'.repeat(70_000) }] }));
    await until(() => frames.some((f) => f.action === 2), 'NACK');
    expect(frames.find((f) => f.action === 2)).toMatchObject({ msgSerial: 0, error: { code: 40009, statusCode: 400 } });
    ws.close();
    await ch.appendMessage({ serial: serials[0]!, data: 'fine' });
    expect((await ch.history()).items[0].data).toBe('fine');
  });

  it('ends only the connection that sent a malformed frame', async () => {
    t = await startServer();
    const bystander = t.client();
    const bch = bystander.channels.get('m');
    const got: unknown[] = [];
    await bch.subscribe((m) => got.push(m.data));
    const { ws, frames } = await rawSocket(t);
    const closed = new Promise((r) => ws.once('close', r));
    ws.send('{not json');
    await closed;
    expect(frames.at(-1)).toMatchObject({ action: 9, error: { code: 40000, statusCode: 400 } });
    const { ws: ws2, frames: frames2 } = await rawSocket(t);
    ws2.send(JSON.stringify({ action: 15, channel: 'm', msgSerial: 0, messages: [{ name: 'n', action: 5 }] }));
    await until(() => frames2.some((f) => f.action === 2), 'NACK for append without serial');
    expect(frames2.find((f) => f.action === 2)).toMatchObject({ error: { code: 40003 } });
    ws2.close();
    await bch.publish('n', 'ok');
    await until(() => got.includes('ok'), 'bystander still served');
    expect(bystander.connection.state).toBe('connected');
  });

  it('cuts a socket that stops reading once its backlog outlasts a sweep, and serves everyone else', async () => {
    t = await startServer({ maxBufferedBytes: 64 * 1024, maxIdleInterval: 300 });
    const stalled = await rawSocket(t);
    const stalledId = (stalled.frames[0] as { connectionId: string }).connectionId;
    stalled.ws.send(JSON.stringify({ action: 10, channel: 'bp' }));
    await until(() => stalled.frames.some((f) => f.action === 11), 'ATTACHED');
    // Stop reading: the server's queue for this socket can only grow.
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const pub = t.client();
    const ch = pub.channels.get('bp');
    const chunk = 'z'.repeat(60_000);
    for (let i = 0; i < 400 && t.server.connectionIds().includes(stalledId); i++) await ch.publish('n', chunk);
    await until(() => !t.server.connectionIds().includes(stalledId), 'the stalled socket to be cut');
    expect(pub.connection.state).toBe('connected');
    await ch.publish('n', 'still served');
  });

  it('does not apply a publish twice when the SDK resends it after a resume', async () => {
    t = await startServer();
    const { ws, frames } = await rawSocket(t);
    const frame = JSON.stringify({ action: 15, channel: 'd', msgSerial: 0, messages: [{ name: 'n', data: 'once' }] });
    ws.send(frame);
    ws.send(frame);
    await until(() => frames.filter((f) => f.action === 1).length === 2, 'two ACKs');
    const acks = frames.filter((f) => f.action === 1) as { res: { serials: string[] }[] }[];
    expect(acks[1].res[0].serials).toEqual(acks[0].res[0].serials);
    ws.close();
    expect((await t.rest().channels.get('d').history()).items).toHaveLength(1);
  });
});
