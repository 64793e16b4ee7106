// The realtime half of the local server: WebSocket connections speaking Ably's protocol, their
// lifecycle (handshake, resume, expiry, heartbeats), and each frame routed to the concern it belongs to.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import type { Broker, ChannelLog, Delivery } from '../broker/index.js';
import { capabilityBreach, operationsOn } from './capability.js';
import { Connection } from './connection.js';
import { ChannelContinuity, attachedFrame } from './continuity.js';
import { DeliveryFrames } from './delivery-frames.js';
import type { ServerFaults } from './faults.js';
import { decodeFrame } from './codec.js';
import { canResume, connectedFrame, identify, refuseHandshake, renewedAuth, RESUME_REFUSED, scheduleTokenExpiry, type ConnectionLimits } from './handshake.js';
import type { KeyStore } from './key-store.js';
import type { MemberIds } from './member-ids.js';
import { PresenceFrames } from './presence-frames.js';
import { publishMessages, type PublishRules } from './publish.js';
import { Action, channelNameOf, errorInfo, type ErrorInfoWire } from './wire.js';

export interface RealtimeOptions extends ConnectionLimits, PublishRules {
  presenceGraceMs: number;
  /** Bytes queued for a non-reading socket before it is cut. */
  maxBufferedBytes: number;
}

/** What the realtime side keeps for a channel beyond the broker's log. */
interface ChannelState {
  continuity: ChannelContinuity;
  attached: Set<Connection>;
}

function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x');
}

export class Realtime {
  private readonly connections = new Map<string, Connection>();
  private readonly byKey = new Map<string, Connection>();
  private readonly channels = new Map<string, ChannelState>();
  private readonly presence: PresenceFrames;
  private readonly deliveries = new DeliveryFrames();
  private readonly heartbeatTimer: ReturnType<typeof setInterval>;
  private readonly sweepMs: number;

  constructor(
    private readonly broker: Broker,
    private readonly keys: KeyStore,
    memberIds: MemberIds,
    private readonly opts: RealtimeOptions,
    private readonly faults?: ServerFaults,
  ) {
    this.presence = new PresenceFrames(broker, memberIds, (name) => this.channels.get(name)?.attached ?? []);
    for (const name of broker.channelNames()) this.watch(name, broker.channel(name));
    broker.onChannel((name, log) => this.watch(name, log));
    faults?.bind({ live: (id) => this.live(id), forget: (c) => this.forget(c) });
    this.sweepMs = Math.max(50, Math.floor(opts.maxIdleInterval / 3));
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.sweepMs);
    this.heartbeatTimer.unref();
  }

  /** Records where a channel loaded from disk ended, so resumes from before the restart are refused. */
  markLoaded(name: string, through: string): void {
    this.channels.get(name)?.continuity.markLoaded(through);
  }

  connectionIds(): string[] {
    return [...this.connections.values()].filter((c) => c.ws !== null).map((c) => c.id);
  }

  close(): void {
    clearInterval(this.heartbeatTimer);
    for (const c of this.connections.values()) {
      c.clearTimers();
      c.ws?.terminate();
    }
    this.connections.clear();
    this.byKey.clear();
  }

  handle(ws: WebSocket, req: IncomingMessage): void {
    const q = new URL(req.url ?? '/', 'http://local').searchParams;
    const hold = this.faults?.heldResume(q.get('resume') ?? '');
    if (hold) {
      void hold.then(() => {
        if (ws.readyState === WebSocket.OPEN) this.handshake(ws, q);
      });
      return;
    }
    this.handshake(ws, q);
  }

  private live(connectionId: string): Connection | undefined {
    const c = this.connections.get(connectionId);
    return c?.ws ? c : undefined;
  }

  private handshake(ws: WebSocket, q: URLSearchParams): void {
    let who: ReturnType<typeof identify>;
    try {
      who = identify(this.keys, q);
    } catch (e) {
      refuseHandshake(ws, q, e);
      return;
    }
    let c: Connection;
    let error: ErrorInfoWire | undefined;
    const resumeKey = q.get('resume') ?? q.get('recover');
    const old = resumeKey ? this.byKey.get(resumeKey) : undefined;
    if (canResume(old, who)) {
      c = old;
      this.detachSocket(c);
      c.clearTimers();
      c.auth = who.auth;
    } else {
      const id = randomId(9);
      c = new Connection(id, `${id}!${randomId(12)}`, who.auth, who.clientId, this.opts.maxBufferedBytes);
      this.connections.set(c.id, c);
      this.byKey.set(c.key, c);
      if (resumeKey) {
        error = RESUME_REFUSED;
        this.faults?.replaced(resumeKey, c);
      }
    }
    c.echo = q.get('echo') !== 'false';
    c.heartbeats = q.get('heartbeats') === 'true';
    c.format = who.format;
    c.ws = ws;
    ws.on('message', (raw, isBinary) => this.onFrame(c, ws, raw as Buffer, isBinary));
    ws.on('close', () => this.onSocketClosed(c, ws));
    ws.on('error', () => ws.terminate());
    scheduleTokenExpiry(c);
    c.send(connectedFrame(c, this.opts, error));
  }

  /** Stops a socket from driving a connection (before a resume takes the connection over). */
  private detachSocket(c: Connection): void {
    const ws = c.ws;
    if (!ws) return;
    c.ws = null;
    ws.removeAllListeners('message');
    ws.removeAllListeners('close');
    ws.terminate();
    this.unsubscribeAll(c);
  }

  private unsubscribeAll(c: Connection): void {
    for (const [name, ch] of c.channels) {
      ch.sub.unsubscribe();
      this.channels.get(name)?.attached.delete(c);
    }
    c.channels.clear();
  }

  private onSocketClosed(c: Connection, ws: WebSocket): void {
    if (c.ws !== ws) return;
    c.ws = null;
    this.unsubscribeAll(c);
    clearTimeout(c.tokenTimer);
    if (c.closed) return;
    // Keep the connection for a resume; presence waits a little so a quick reconnect does not flicker.
    c.presenceTimer = setTimeout(() => this.broker.dropConnection(c.id), this.opts.presenceGraceMs);
    c.presenceTimer.unref();
    c.expiryTimer = setTimeout(() => this.forget(c), this.opts.connectionStateTtl);
    c.expiryTimer.unref();
  }

  private forget(c: Connection): void {
    c.closed = true;
    c.clearTimers();
    this.unsubscribeAll(c);
    this.broker.dropConnection(c.id);
    this.connections.delete(c.id);
    this.byKey.delete(c.key);
  }

  private heartbeat(): void {
    const now = Date.now();
    for (const c of this.connections.values()) c.sweep(now, this.sweepMs, this.opts.maxIdleInterval);
  }

  private onFrame(c: Connection, ws: WebSocket, raw: Buffer, isBinary: boolean): void {
    const msg = decodeFrame(raw, isBinary, c.format);
    if (!msg) {
      // A garbled frame means the client and server disagree about the protocol: end only this connection.
      const expected = c.format === 'msgpack' ? 'a binary msgpack map (the connect URL said format=msgpack)' : 'a JSON object (the connect URL said format=json)';
      c.send({ action: Action.ERROR, error: { code: 40000, statusCode: 400, message: `Malformed protocol message: expected ${expected} with a numeric action.` } });
      this.forget(c);
      ws.close();
      return;
    }
    try {
      switch (msg.action) {
        case Action.HEARTBEAT:
          c.send(msg.id === undefined ? { action: Action.HEARTBEAT } : { action: Action.HEARTBEAT, id: msg.id });
          return;
        case Action.CLOSE:
          c.closed = true;
          this.forget(c);
          c.send({ action: Action.CLOSED });
          ws.close();
          return;
        case Action.DISCONNECT:
          ws.close();
          return;
        case Action.ATTACH:
          this.attach(c, msg);
          return;
        case Action.DETACH:
          this.detach(c, msg);
          return;
        case Action.MESSAGE:
          c.acknowledge(msg, () => [{ serials: publishMessages(c, channelNameOf(msg), this.broker, msg, this.opts) }], this.faults);
          return;
        case Action.PRESENCE:
          c.acknowledge(msg, () => this.presence.apply(c, channelNameOf(msg), msg), this.faults);
          return;
        case Action.AUTH:
          this.reauth(c, msg);
          return;
        default:
          return;
      }
    } catch (e) {
      const channel = typeof msg.channel === 'string' ? msg.channel : undefined;
      if (channel !== undefined) c.send({ action: Action.ERROR, channel, error: errorInfo(e) });
      else c.send({ action: Action.ERROR, error: errorInfo(e) });
    }
  }

  private watch(name: string, log: ChannelLog): void {
    this.channels.set(name, { continuity: new ChannelContinuity(log), attached: new Set() });
    this.presence.watch(name, log);
  }

  private attach(c: Connection, msg: Record<string, unknown>): void {
    const name = channelNameOf(msg);
    const ops = operationsOn(c.auth.capability, name);
    if (ops.size === 0) throw capabilityBreach(name, 'subscribe');
    const log = this.broker.channel(name);
    const state = this.channels.get(name)!;
    let plan: ReturnType<ChannelContinuity['plan']>;
    try {
      plan = state.continuity.plan(msg, this.faults?.attachFresh(c, name) ?? false);
    } catch (e) {
      // The ERROR this becomes fails the channel in the SDK, so the server lets go of it too.
      this.release(c, name);
      throw e;
    }
    c.channels.get(name)?.sub.unsubscribe();
    const canSubscribe = ops.has('*') || ops.has('subscribe');
    const listener = (d: Delivery): void => {
      if (!c.echo && d.message.connectionId === c.id) return;
      c.sendEncoded(this.deliveries.frame(name, d, c.format));
    };
    const sub = log.attach(canSubscribe ? listener : () => undefined, plan.options);
    c.channels.set(name, { sub, ops });
    state.attached.add(c);
    const members = log.presence.list();
    const outcome = { resumed: sub.resumed || plan.trivial, hasPresence: members.length > 0, hasBacklog: canSubscribe && sub.replay.length > 0 };
    c.send(attachedFrame(name, state.continuity.announce(sub), ops, outcome, plan.params));
    if (canSubscribe) for (const d of sub.replay) listener(d);
    this.presence.sync(c, name, members);
  }

  private detach(c: Connection, msg: Record<string, unknown>): void {
    const name = channelNameOf(msg);
    this.release(c, name);
    c.send({ action: Action.DETACHED, channel: name });
  }

  /** Ends `c`'s attachment to `name`, if it has one: no more deliveries, and its presence leaves. */
  private release(c: Connection, name: string): void {
    const ch = c.channels.get(name);
    if (!ch) return;
    ch.sub.unsubscribe();
    c.channels.delete(name);
    this.channels.get(name)?.attached.delete(c);
    this.broker.channel(name).presence.leaveConnection(c.id);
  }

  private reauth(c: Connection, msg: Record<string, unknown>): void {
    try {
      c.auth = renewedAuth(this.keys, c, msg);
      scheduleTokenExpiry(c);
      c.send(connectedFrame(c, this.opts));
    } catch (e) {
      c.send({ action: Action.ERROR, error: errorInfo(e) });
      this.forget(c);
      c.ws?.close();
    }
  }
}
