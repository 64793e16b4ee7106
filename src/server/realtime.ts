import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { START_SERIAL, type AppendInput, type Broker, type ChannelLog, type Delivery, type PresenceChange, type Subscription } from '../broker/index.js';
import type { WirePolicy } from '../core/wire-policy.js';
import { BrokerError } from '../broker/index.js';
import { can, capabilityBreach, operationsOn } from './capability.js';
import { resolveCredentials } from './credentials.js';
import type { AuthContext, KeyStore } from './key-store.js';
import {
  Action,
  decodeData,
  errorInfo,
  Flag,
  headersOf,
  messageAction,
  presenceAction,
  toAblyMessage,
  toAblyPresence,
  type ErrorInfoWire,
} from './wire.js';

/**
 * The channel serial handed out for a channel that has no events yet. `untilAttach` history needs a
 * non-empty attach serial, and a client must be able to resume from "before everything".
 */
/** What ATTACHED carries for an empty channel: the SDK needs a non-empty attach serial. */
export const ZERO_SERIAL = START_SERIAL;

export interface RealtimeOptions {
  connectionStateTtl: number;
  maxIdleInterval: number;
  maxMessageSize: number;
  presenceGraceMs: number;
  /** Message names that need the `privileged-headers` capability (see ServerOptions.agentOnlyNames). */
  agentOnlyNames: ReadonlySet<string>;
  /** Reads the preconditions appends carry. */
  policy: Pick<WirePolicy, 'appendPrecondition'>;
  /** Bytes queued for a non-reading socket before it is cut. */
  maxBufferedBytes: number;
  serverId: string;
}

/** What the server knows about a channel beyond the broker's log. */
interface ChannelMeta {
  /** Channel serial the log held when loaded from disk ('' when not loaded). */
  loadedThrough: string;
  /** This process handed out `loadedThrough` as an attach serial, so resuming from it is honest. */
  vouched: boolean;
  /** First event serial committed by this process. */
  firstThisBoot?: string;
  /** Presence member key → wire id of its latest presence message. */
  memberIds: Map<string, string>;
  /** Id to stamp on the presence change being applied right now. */
  pendingPresenceId?: string;
  attached: Set<Connection>;
}

interface AttachedChannel {
  sub: Subscription;
  ops: Set<string>;
}

class Connection {
  ws: WebSocket | null = null;
  readonly channels = new Map<string, AttachedChannel>();
  /** Recent ACK/NACK frames by msgSerial, so a publish retried after a resume is not applied twice. */
  readonly acks = new Map<number, object>();
  lastMsgSerial = -1;
  echo = true;
  heartbeats = false;
  lastSendAt = 0;
  /** When the socket's send queue first went over the backlog limit (undefined while under it). */
  backlogSince: number | undefined;
  closed = false;
  /** Fault injection: cut the socket instead of sending the next ACK/NACK. */
  dropBeforeAck = false;
  /** Channels this connection has attached without continuity, when it must not resume any (fault injection). */
  freshChannels: Set<string> | undefined;
  presenceTimer: ReturnType<typeof setTimeout> | undefined;
  expiryTimer: ReturnType<typeof setTimeout> | undefined;
  tokenTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly id: string,
    readonly key: string,
    public auth: AuthContext,
    public clientId: string | undefined,
    private readonly maxBufferedBytes: number,
  ) {}

  send(frame: object): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    this.lastSendAt = Date.now();
    ws.send(JSON.stringify(frame));
    // A replay burst queues everything before the socket can drain, so one look proves nothing: note
    // when the backlog began and let the heartbeat sweep cut a reader that stays behind. Only a
    // backlog far past the limit is cut at once.
    const queued = ws.bufferedAmount;
    if (queued > this.maxBufferedBytes * HARD_BACKLOG_FACTOR) ws.terminate();
    else if (queued > this.maxBufferedBytes) this.backlogSince ??= this.lastSendAt;
  }

  /** Whether this connection's socket has stayed over the backlog limit since before `cutoff`. */
  stalled(cutoff: number): boolean {
    const ws = this.ws;
    if (this.backlogSince === undefined || !ws) return false;
    if (ws.bufferedAmount <= this.maxBufferedBytes) {
      this.backlogSince = undefined;
      return false;
    }
    return this.backlogSince <= cutoff;
  }

  clearTimers(): void {
    clearTimeout(this.presenceTimer);
    clearTimeout(this.expiryTimer);
    clearTimeout(this.tokenTimer);
    this.presenceTimer = this.expiryTimer = this.tokenTimer = undefined;
  }
}

const MAX_REMEMBERED_ACKS = 1000;
/** A send queue this many times over the backlog limit is cut without waiting for the sweep. */
const HARD_BACKLOG_FACTOR = 16;

function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x');
}

/** The realtime half of the server: WebSocket connections speaking Ably's JSON protocol. */
export class Realtime {
  private readonly connections = new Map<string, Connection>();
  private readonly byKey = new Map<string, Connection>();
  private readonly meta = new Map<string, ChannelMeta>();
  private readonly heartbeatTimer: ReturnType<typeof setInterval>;
  private readonly sweepMs: number;
  private syncCounter = 0;
  /** Keys of connections cut with 'unresumable': their successor re-attaches every channel afresh. */
  private readonly unresumable = new Set<string>();
  /** Resume attempts for these connection keys wait for the promise (fault injection: a longer outage). */
  private readonly held = new Map<string, Promise<void>>();
  private synthCounter = 0;

  constructor(
    private readonly broker: Broker,
    private readonly keys: KeyStore,
    private readonly opts: RealtimeOptions,
  ) {
    for (const name of broker.channelNames()) this.watch(name, broker.channel(name));
    broker.onChannel((name, log) => this.watch(name, log));
    this.sweepMs = Math.max(50, Math.floor(opts.maxIdleInterval / 3));
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.sweepMs);
    this.heartbeatTimer.unref();
  }

  /** Records where a channel loaded from disk ended, so resumes from before the restart are refused. */
  markLoaded(name: string, through: string): void {
    this.channelMeta(name).loadedThrough = through;
  }

  connectionIds(): string[] {
    return [...this.connections.values()].filter((c) => c.ws !== null).map((c) => c.id);
  }

  /**
   * Cuts a connection's socket without a close frame, as a network failure would — at once, or right
   * after the next publish is applied but before its ACK leaves (the client must retry it).
   */
  dropSocket(connectionId: string, when: 'now' | 'before-next-ack' | 'unresumable' = 'now', holdUntil?: Promise<unknown>): boolean {
    const c = this.connections.get(connectionId);
    if (!c?.ws) return false;
    if (holdUntil) {
      const key = c.key;
      const held = holdUntil.then(
        () => undefined,
        () => undefined,
      );
      this.held.set(key, held);
      void held.then(() => {
        if (this.held.get(key) === held) this.held.delete(key);
      });
    }
    if (when === 'before-next-ack') {
      c.dropBeforeAck = true;
      return true;
    }
    if (when === 'unresumable') {
      // As if the server lost this connection's state: the resume fails and channels lose continuity.
      this.unresumable.add(c.key);
      this.forget(c);
    }
    c.ws?.terminate();
    return true;
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
    const url = new URL(req.url ?? '/', 'http://local');
    const q = url.searchParams;
    const hold = this.held.get(q.get('resume') ?? '');
    if (hold) {
      void hold.then(() => {
        if (ws.readyState === WebSocket.OPEN) this.handshake(ws, q);
      });
      return;
    }
    this.handshake(ws, q);
  }

  private handshake(ws: WebSocket, q: URLSearchParams): void {
    const fail = (e: unknown): void => {
      ws.send(JSON.stringify({ action: Action.ERROR, error: errorInfo(e) }));
      ws.close();
    };
    if (q.get('format') === 'msgpack') {
      fail(new BrokerError(40000, 400, 'The local server speaks JSON only: create the client with useBinaryProtocol: false.'));
      return;
    }
    let auth: AuthContext;
    try {
      auth = resolveCredentials(this.keys, q);
    } catch (e) {
      fail(e);
      return;
    }
    let clientId = auth.clientId !== undefined && auth.clientId !== '*' ? auth.clientId : undefined;
    const asked = q.get('clientId') ?? undefined;
    if (asked !== undefined) {
      if (asked === '*') return fail(new BrokerError(40012, 400, 'clientId "*" is not a valid client id; use a concrete id.'));
      if (clientId !== undefined && asked !== clientId) {
        return fail(new BrokerError(40102, 401, `clientId "${asked}" conflicts with the token's clientId "${clientId}".`));
      }
      clientId = asked;
    }

    let conn: Connection | undefined;
    let error: ErrorInfoWire | undefined;
    const resumeKey = q.get('resume') ?? q.get('recover');
    if (resumeKey) {
      const old = this.byKey.get(resumeKey);
      if (old && !old.closed && old.auth.keyName === auth.keyName && old.clientId === clientId) {
        conn = old;
        this.detachSocket(conn);
        conn.clearTimers();
        conn.auth = auth;
      } else {
        error = {
          code: 80018,
          statusCode: 400,
          message: 'Unable to resume the connection: its key is unknown or expired (the server restarted or connectionStateTtl passed). Channels re-attach; backfill from history.',
        };
      }
    }
    if (!conn) {
      const id = randomId(9);
      conn = new Connection(id, `${id}!${randomId(12)}`, auth, clientId, this.opts.maxBufferedBytes);
      if (resumeKey && this.unresumable.delete(resumeKey)) conn.freshChannels = new Set();
      this.connections.set(conn.id, conn);
      this.byKey.set(conn.key, conn);
    }
    conn.echo = q.get('echo') !== 'false';
    conn.heartbeats = q.get('heartbeats') === 'true';
    conn.ws = ws;
    const c = conn;
    ws.on('message', (raw) => this.onFrame(c, ws, raw.toString()));
    ws.on('close', () => this.onSocketClosed(c, ws));
    ws.on('error', () => ws.terminate());
    this.scheduleTokenExpiry(c);
    const connected: Record<string, unknown> = {
      action: Action.CONNECTED,
      connectionId: c.id,
      connectionDetails: this.details(c),
    };
    if (error) connected.error = error;
    c.send(connected);
  }

  private details(c: Connection): Record<string, unknown> {
    const d: Record<string, unknown> = {
      connectionKey: c.key,
      connectionStateTtl: this.opts.connectionStateTtl,
      maxIdleInterval: this.opts.maxIdleInterval,
      maxMessageSize: this.opts.maxMessageSize,
      maxInboundRate: 10_000,
      serverId: this.opts.serverId,
    };
    if (c.clientId !== undefined) d.clientId = c.clientId;
    return d;
  }

  private scheduleTokenExpiry(c: Connection): void {
    clearTimeout(c.tokenTimer);
    if (c.auth.expires === undefined) return;
    // Like Ably: an expired token ends the transport with a token error; the SDK renews and resumes.
    c.tokenTimer = setTimeout(() => {
      c.send({ action: Action.DISCONNECTED, error: { code: 40142, statusCode: 401, message: 'Token expired; renew it and reconnect.' } });
      c.ws?.close();
    }, Math.max(0, c.auth.expires - Date.now()));
    c.tokenTimer.unref();
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
      this.meta.get(name)?.attached.delete(c);
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
    for (const c of this.connections.values()) {
      const ws = c.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) continue;
      // Behind for a whole sweep: stalled or hostile. Cutting it bounds memory; the client can resume.
      if (c.stalled(now - this.sweepMs)) {
        ws.terminate();
        continue;
      }
      if (now - c.lastSendAt < this.opts.maxIdleInterval / 2) continue;
      // Browsers cannot see ws pings, so they ask for protocol heartbeats; Node clients watch pings.
      if (c.heartbeats) c.send({ action: Action.HEARTBEAT });
      else {
        c.lastSendAt = now;
        ws.ping();
      }
    }
  }

  private onFrame(c: Connection, ws: WebSocket, raw: string): void {
    let msg: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || typeof (parsed as { action?: unknown }).action !== 'number') {
        throw new Error('not a protocol message');
      }
      msg = parsed as Record<string, unknown>;
    } catch {
      // A garbled frame means the client and server disagree about the protocol: end only this connection.
      c.send({ action: Action.ERROR, error: { code: 40000, statusCode: 400, message: 'Malformed protocol message: expected a JSON object with a numeric action.' } });
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
          this.publish(c, msg);
          return;
        case Action.PRESENCE:
          this.presence(c, msg);
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

  private channelName(msg: Record<string, unknown>): string {
    const name = msg.channel;
    if (typeof name !== 'string' || name.length === 0 || name.length > 1024) {
      throw new BrokerError(40010, 400, 'Invalid channel name: give a non-empty string of at most 1024 characters.');
    }
    return name;
  }

  private channelMeta(name: string): ChannelMeta {
    let m = this.meta.get(name);
    if (!m) {
      m = { loadedThrough: '', vouched: false, memberIds: new Map(), attached: new Set() };
      this.meta.set(name, m);
    }
    return m;
  }

  private watch(name: string, log: ChannelLog): void {
    const meta = this.channelMeta(name);
    log.onCommit((e) => {
      if (meta.firstThisBoot === undefined) meta.firstThisBoot = e.channelSerial;
    });
    log.presence.subscribe((change) => this.broadcastPresence(name, meta, change));
  }

  /** Whether continuity from `serial` can be vouched for by this process. */
  private resumable(meta: ChannelMeta, serial: string): boolean {
    if (meta.loadedThrough === '') return true;
    if (serial < meta.loadedThrough || serial === ZERO_SERIAL) return false;
    if (serial === meta.loadedThrough) return meta.vouched;
    // Between the last persisted event and the first new one lies whatever a crash lost.
    return meta.firstThisBoot !== undefined && serial >= meta.firstThisBoot;
  }

  private attach(c: Connection, msg: Record<string, unknown>): void {
    const name = this.channelName(msg);
    const ops = operationsOn(c.auth.capability, name);
    if (ops.size === 0) throw capabilityBreach(name, 'subscribe');
    const log = this.broker.channel(name);
    const meta = this.channelMeta(name);
    c.channels.get(name)?.sub.unsubscribe();
    const all = ops.has('*');
    const canSubscribe = all || ops.has('subscribe');
    const params = (msg.params ?? {}) as Record<string, unknown>;
    const from = typeof msg.channelSerial === 'string' && msg.channelSerial !== '' ? msg.channelSerial : undefined;
    const attachOpts: { fromSerial?: string; rewind?: number } = {};
    let trivialResume = false;
    const mustStartFresh = c.freshChannels !== undefined && !c.freshChannels.has(name);
    c.freshChannels?.add(name);
    if (from !== undefined && !mustStartFresh && this.resumable(meta, from)) {
      if (from === ZERO_SERIAL && log.channelSerial === '') trivialResume = true;
      else attachOpts.fromSerial = from;
    }
    const rewind = Number(params.rewind);
    if (Number.isFinite(rewind) && rewind > 0) attachOpts.rewind = Math.min(rewind, 100);

    const listener = (d: Delivery): void => {
      if (!c.echo && d.message.connectionId === c.id) return;
      c.send({ action: Action.MESSAGE, channel: name, channelSerial: d.channelSerial, messages: [toAblyMessage(d.message)] });
    };
    const sub = log.attach(canSubscribe ? listener : () => undefined, attachOpts);
    c.channels.set(name, { sub, ops });
    meta.attached.add(c);
    const attachSerial = sub.attachSerial === '' ? ZERO_SERIAL : sub.attachSerial;
    if (meta.loadedThrough !== '' && attachSerial === meta.loadedThrough) meta.vouched = true;

    let flags = 0;
    if (all || ops.has('publish')) flags |= Flag.PUBLISH;
    if (canSubscribe) flags |= Flag.SUBSCRIBE;
    if (all || ops.has('presence')) flags |= Flag.PRESENCE;
    if (canSubscribe || ops.has('presence')) flags |= Flag.PRESENCE_SUBSCRIBE;
    if (sub.resumed || trivialResume) flags |= Flag.RESUMED;
    const members = log.presence.list();
    if (members.length > 0) flags |= Flag.HAS_PRESENCE;
    if (canSubscribe && sub.replay.length > 0) flags |= Flag.HAS_BACKLOG;
    const attached: Record<string, unknown> = { action: Action.ATTACHED, channel: name, channelSerial: attachSerial, flags };
    if (Object.keys(params).length > 0) attached.params = params;
    c.send(attached);
    if (canSubscribe) for (const d of sub.replay) listener(d);
    if (members.length > 0) {
      c.send({
        action: Action.SYNC,
        channel: name,
        channelSerial: `sync${++this.syncCounter}:`,
        presence: members.map((m) => toAblyPresence(m, 'present', meta.memberIds.get(m.key) ?? this.synthId())),
      });
    }
  }

  private detach(c: Connection, msg: Record<string, unknown>): void {
    const name = this.channelName(msg);
    const ch = c.channels.get(name);
    if (ch) {
      ch.sub.unsubscribe();
      c.channels.delete(name);
      this.meta.get(name)?.attached.delete(c);
      this.broker.channel(name).presence.leaveConnection(c.id);
    }
    c.send({ action: Action.DETACHED, channel: name });
  }

  private remember(c: Connection, msgSerial: number, frame: object): void {
    c.acks.set(msgSerial, frame);
    if (msgSerial > c.lastMsgSerial) c.lastMsgSerial = msgSerial;
    if (c.acks.size > MAX_REMEMBERED_ACKS) {
      const oldest = c.acks.keys().next().value;
      if (oldest !== undefined) c.acks.delete(oldest);
    }
    if (c.dropBeforeAck) {
      c.dropBeforeAck = false;
      c.ws?.terminate();
      return;
    }
    c.send(frame);
  }

  /** Replays the answer to a publish already applied (the SDK resends unacknowledged frames on resume). */
  private replayed(c: Connection, msgSerial: number): boolean {
    if (msgSerial > c.lastMsgSerial) return false;
    const prior = c.acks.get(msgSerial);
    c.send(prior ?? { action: Action.ACK, msgSerial, count: 1, res: [{ serials: [] }] });
    return true;
  }

  private checkClientId(c: Connection, claimed: unknown): string | undefined {
    if (claimed === undefined || claimed === null) return c.clientId;
    if (typeof claimed !== 'string' || claimed === '*') throw new BrokerError(40012, 400, 'Message clientId must be a concrete string.');
    const bound = c.auth.clientId;
    if (bound !== undefined && bound !== '*' && bound !== claimed) {
      throw new BrokerError(40012, 400, `Message clientId "${claimed}" does not match this connection's clientId "${bound}".`);
    }
    if (c.clientId !== undefined && c.clientId !== claimed && bound !== '*') {
      throw new BrokerError(40012, 400, `Message clientId "${claimed}" does not match this connection's clientId "${c.clientId}".`);
    }
    return claimed;
  }

  private publish(c: Connection, msg: Record<string, unknown>): void {
    const msgSerial = Number(msg.msgSerial);
    if (Number.isInteger(msgSerial) && this.replayed(c, msgSerial)) return;
    try {
      const name = this.channelName(msg);
      const messages = msg.messages;
      if (!Array.isArray(messages) || messages.length === 0) throw new BrokerError(40000, 400, 'A MESSAGE frame needs a non-empty messages array.');
      const log = this.broker.channel(name);
      const prepared = messages.map((raw: unknown) => {
        if (typeof raw !== 'object' || raw === null) throw new BrokerError(40000, 400, 'Each message must be an object.');
        const m = raw as Record<string, unknown>;
        const action = messageAction(m.action);
        const clientId = this.checkClientId(c, m.clientId);
        const data = decodeData(m.data, m.encoding);
        const headers = headersOf(m.extras);
        const msgName = action === 'message.create' ? m.name : log.get(typeof m.serial === 'string' ? m.serial : '')?.name;
        if (typeof msgName === 'string' && this.opts.agentOnlyNames.has(msgName) && !can(c.auth.capability, name, 'privileged-headers')) {
          throw capabilityBreach(name, 'privileged-headers');
        }
        if (action === 'message.create') {
          if (!can(c.auth.capability, name, 'publish')) throw capabilityBreach(name, 'publish');
        } else if (action === 'message.append' || action === 'message.update') {
          if (typeof m.serial !== 'string' || m.serial === '') throw new BrokerError(40003, 400, `${action} needs the serial of the message it changes.`);
          const target = log.get(m.serial);
          const own = target !== undefined && target.clientId !== undefined && target.clientId === clientId;
          if (!can(c.auth.capability, name, 'message-update-any') && !(own && can(c.auth.capability, name, 'message-update-own'))) {
            throw capabilityBreach(name, own ? 'message-update-own' : 'message-update-any');
          }
        } else {
          throw new BrokerError(40000, 400, `Message action ${String(m.action)} is not supported by the local server; use create, update or append.`);
        }
        return { m, action, clientId, data, headers };
      });
      const serials: string[] = [];
      for (const p of prepared) {
        const origin: { clientId?: string; connectionId: string } = { connectionId: c.id };
        if (p.clientId !== undefined) origin.clientId = p.clientId;
        if (p.action === 'message.create') {
          const input: { name: string; data: unknown; headers?: Record<string, string>; id?: string } = {
            name: typeof p.m.name === 'string' ? p.m.name : '',
            data: p.data,
          };
          if (p.headers) input.headers = p.headers;
          if (typeof p.m.id === 'string' && p.m.id !== '') input.id = p.m.id;
          serials.push(log.create(input, origin));
        } else if (p.action === 'message.append') {
          if (typeof p.data !== 'string') throw new BrokerError(40003, 400, 'Append data must be a string.');
          const input: AppendInput = { data: p.data };
          if (p.headers) input.headers = p.headers;
          const precondition = this.opts.policy.appendPrecondition(p.headers);
          if (precondition) input.precondition = precondition;
          serials.push(log.append(p.m.serial as string, input, origin));
        } else {
          serials.push(log.update(p.m.serial as string, p.data, p.headers, origin));
        }
      }
      this.remember(c, msgSerial, { action: Action.ACK, msgSerial, count: 1, res: [{ serials }] });
    } catch (e) {
      this.remember(c, msgSerial, { action: Action.NACK, msgSerial, count: 1, error: errorInfo(e) });
    }
  }

  private presence(c: Connection, msg: Record<string, unknown>): void {
    const msgSerial = Number(msg.msgSerial);
    if (Number.isInteger(msgSerial) && this.replayed(c, msgSerial)) return;
    try {
      const name = this.channelName(msg);
      if (!can(c.auth.capability, name, 'presence')) throw capabilityBreach(name, 'presence');
      const list = msg.presence;
      if (!Array.isArray(list)) throw new BrokerError(40000, 400, 'A PRESENCE frame needs a presence array.');
      const log = this.broker.channel(name);
      const meta = this.channelMeta(name);
      const prepared = list.map((raw: unknown) => {
        const p = (raw ?? {}) as Record<string, unknown>;
        const action = presenceAction(p.action);
        if (action !== 'enter' && action !== 'update' && action !== 'leave' && action !== 'present') {
          throw new BrokerError(40000, 400, `Presence action ${String(p.action)} is not one a client may send.`);
        }
        const clientId = this.checkClientId(c, p.clientId);
        if (clientId === undefined) throw new BrokerError(40012, 400, 'Presence needs a clientId: set clientId in the client options or the token.');
        return { action, clientId, data: decodeData(p.data, p.encoding) };
      });
      prepared.forEach((p, i) => {
        meta.pendingPresenceId = `${c.id}:${msgSerial}:${i}`;
        try {
          if (p.action === 'leave') log.presence.leave(p.clientId, c.id);
          else log.presence.enter(p.clientId, c.id, p.data);
        } finally {
          meta.pendingPresenceId = undefined;
        }
      });
      this.remember(c, msgSerial, { action: Action.ACK, msgSerial, count: 1 });
    } catch (e) {
      this.remember(c, msgSerial, { action: Action.NACK, msgSerial, count: 1, error: errorInfo(e) });
    }
  }

  private synthId(): string {
    return `local-${++this.synthCounter}:0:0`;
  }

  private broadcastPresence(name: string, meta: ChannelMeta, change: PresenceChange): void {
    const id = meta.pendingPresenceId ?? this.synthId();
    if (change.action === 'leave') meta.memberIds.delete(change.member.key);
    else meta.memberIds.set(change.member.key, id);
    const frame = {
      action: Action.PRESENCE,
      channel: name,
      presence: [toAblyPresence(change.member, change.action, id)],
    };
    for (const c of meta.attached) {
      const ch = c.channels.get(name);
      if (!ch) continue;
      if (ch.ops.has('*') || ch.ops.has('subscribe') || ch.ops.has('presence')) c.send(frame);
    }
  }

  private reauth(c: Connection, msg: Record<string, unknown>): void {
    const auth = msg.auth as { accessToken?: unknown } | undefined;
    try {
      if (typeof auth?.accessToken !== 'string') throw new BrokerError(40101, 401, 'AUTH needs auth.accessToken.');
      const next = this.keys.fromToken(auth.accessToken);
      const bound = next.clientId !== undefined && next.clientId !== '*' ? next.clientId : undefined;
      if (bound !== undefined && c.clientId !== undefined && bound !== c.clientId) {
        throw new BrokerError(40102, 401, `The new token's clientId "${bound}" differs from the connection's "${c.clientId}".`);
      }
      c.auth = next;
      this.scheduleTokenExpiry(c);
      c.send({ action: Action.CONNECTED, connectionId: c.id, connectionDetails: this.details(c) });
    } catch (e) {
      c.send({ action: Action.ERROR, error: errorInfo(e) });
      this.forget(c);
      c.ws?.close();
    }
  }
}
