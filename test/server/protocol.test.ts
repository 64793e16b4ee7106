import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type * as Ably from 'ably';
import { until } from '../helpers/until.js';
import { connected, startServer, type TestServer } from './helpers.js';

// Frame-level checks of what the SDK relies on but does not expose directly.

let t: TestServer;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await t?.close();
});

type Frame = Record<string, unknown> & { action: number };

class Raw {
  readonly frames: Frame[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.frames.push(JSON.parse(d.toString()) as Frame));
  }
  static async open(t: TestServer, query = ''): Promise<Raw> {
    const ws = new WebSocket(`ws://127.0.0.1:${t.server.port}/?key=${encodeURIComponent(t.server.keys[0])}&format=json&v=6${query}`);
    sockets.push(ws);
    const raw = new Raw(ws);
    await raw.next(4);
    return raw;
  }
  async next(action: number, from = 0): Promise<Frame> {
    await until(() => this.frames.slice(from).some((f) => f.action === action), `frame with action ${action}`);
    return this.frames.slice(from).find((f) => f.action === action)!;
  }
  send(f: object): number {
    const mark = this.frames.length;
    this.ws.send(JSON.stringify(f));
    return mark;
  }
}

describe('protocol frames', () => {
  it('sends CONNECTED with connectionDetails, answers heartbeats, and sends its own when idle', async () => {
    t = await startServer({ maxIdleInterval: 300 });
    const raw = await Raw.open(t, '&heartbeats=true');
    const c = raw.frames[0];
    expect(c).toMatchObject({ action: 4, connectionDetails: { connectionStateTtl: 120_000, maxIdleInterval: 300, maxMessageSize: 65_536 } });
    expect(typeof c.connectionId).toBe('string');
    expect(typeof (c.connectionDetails as { connectionKey: unknown }).connectionKey).toBe('string');
    const mark = raw.send({ action: 0, id: 'ping-1' });
    expect(await raw.next(0, mark)).toEqual({ action: 0, id: 'ping-1' });
    const idle = raw.frames.length;
    await until(() => raw.frames.slice(idle).some((f) => f.action === 0 && f.id === undefined), 'server heartbeat while idle');
  });

  it('resumes by connection key with the same id, and refuses an unknown key with a new id and 80018', async () => {
    t = await startServer();
    const first = await Raw.open(t);
    const { connectionId, connectionDetails } = first.frames[0] as unknown as { connectionId: string; connectionDetails: { connectionKey: string } };
    first.ws.terminate();
    const resumed = await Raw.open(t, `&resume=${encodeURIComponent(connectionDetails.connectionKey)}`);
    expect(resumed.frames[0].connectionId).toBe(connectionId);
    expect(resumed.frames[0].error).toBeUndefined();
    const refused = await Raw.open(t, '&resume=not-a-key');
    expect(refused.frames[0].connectionId).not.toBe(connectionId);
    expect(refused.frames[0].error).toMatchObject({ code: 80018, statusCode: 400 });
  });

  it('ATTACHED comes first with all mode flags; RESUMED only when continuity holds; DETACH and CLOSE are answered', async () => {
    t = await startServer();
    const pub = await Raw.open(t);
    pub.send({ action: 15, channel: 'f', msgSerial: 0, messages: [{ name: 'n', data: 'a' }] });
    await pub.next(1);
    const sub = await Raw.open(t);
    let mark = sub.send({ action: 10, channel: 'f', params: { rewind: '1' } });
    const attached = await sub.next(11, mark);
    expect(sub.frames[mark]).toBe(attached);
    expect((attached.flags as number) & 983040).toBe(983040);
    expect((attached.flags as number) & 4).toBe(0);
    const replay = await sub.next(15, mark);
    expect(sub.frames.indexOf(replay)).toBeGreaterThan(sub.frames.indexOf(attached));
    const serial = attached.channelSerial as string;

    mark = sub.send({ action: 10, channel: 'f', channelSerial: serial });
    expect((((await sub.next(11, mark)).flags as number) & 4)).toBe(4);
    mark = sub.send({ action: 10, channel: 'f', channelSerial: '99999999999999-999@zz:0' });
    expect((((await sub.next(11, mark)).flags as number) & 4)).toBe(0);

    mark = sub.send({ action: 12, channel: 'f' });
    expect(await sub.next(13, mark)).toMatchObject({ channel: 'f' });
    const closed = new Promise((r) => sub.ws.once('close', r));
    mark = sub.send({ action: 7 });
    await sub.next(8, mark);
    await closed;
  });

  it('drops the presence of a connection that vanished once the grace period passes without a resume', async () => {
    t = await startServer({ presenceGraceMs: 200 });
    const watcher = t.client({ clientId: 'watcher' });
    await connected(watcher);
    const ch = watcher.channels.get('pg');
    const leaves: Ably.PresenceMessage[] = [];
    await ch.presence.subscribe('leave', (m) => leaves.push(m));
    const raw = await Raw.open(t, '&clientId=ghost');
    let mark = raw.send({ action: 10, channel: 'pg' });
    await raw.next(11, mark);
    mark = raw.send({ action: 14, channel: 'pg', msgSerial: 0, presence: [{ action: 2, data: 'hello' }] });
    await raw.next(1, mark);
    const members = await until(() => ch.presence.get(), 'the ghost to be present', { ok: (m) => m.length === 1 });
    expect(members[0]).toMatchObject({ clientId: 'ghost', data: 'hello' });
    raw.ws.terminate();
    await until(() => leaves.length === 1, 'leave after the grace period');
    expect(leaves[0].clientId).toBe('ghost');
  });
});
