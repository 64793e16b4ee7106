// One client connection as the server keeps it: the socket driving it now (replaced on resume), its
// attached channels, the answers it was given, and the backlog and timers that bound it.
import { WebSocket } from 'ws';
import { BrokerError, type Subscription } from '../broker/index.js';
import { encode, type Format } from './codec.js';
import type { ServerFaults } from './faults.js';
import type { AuthContext } from './key-store.js';
import { Action, errorInfo } from './wire.js';

/** A channel a connection has attached, with the operations its capability grants there. */
export interface AttachedChannel {
  sub: Subscription;
  ops: Set<string>;
}

const MAX_REMEMBERED_ANSWERS = 1000;

/**
 * The client id a message is published as, by a client authenticated as `auth` that identified as
 * `clientId`; throws 40012 for a claim it may not make (a key or a `*` token may claim any id).
 */
export function publisherIdFor(auth: AuthContext, clientId: string | undefined, claimed: unknown): string | undefined {
  if (claimed === undefined || claimed === null) return clientId;
  if (typeof claimed !== 'string' || claimed === '*') throw new BrokerError(40012, 400, 'Message clientId must be a concrete string.');
  const bound = auth.clientId;
  if (bound !== undefined && bound !== '*' && bound !== claimed) {
    throw new BrokerError(40012, 400, `Message clientId "${claimed}" does not match the credentials' clientId "${bound}".`);
  }
  if (clientId !== undefined && clientId !== claimed && bound !== '*') {
    throw new BrokerError(40012, 400, `Message clientId "${claimed}" does not match this client's clientId "${clientId}".`);
  }
  return claimed;
}
/** A send queue this many times over the backlog limit is cut without waiting for the sweep. */
const HARD_BACKLOG_FACTOR = 16;

export class Connection {
  ws: WebSocket | null = null;
  readonly channels = new Map<string, AttachedChannel>();
  /** Recent ACK/NACK frames by msgSerial, so a publish retried after a resume is not applied twice. */
  private readonly answers = new Map<number, object>();
  private lastMsgSerial = -1;
  echo = true;
  heartbeats = false;
  /** The format the client asked for in its connect URL; every frame to it is encoded in it. */
  format: Format = 'json';
  lastSendAt = 0;
  /** When the socket's send queue first went over the backlog limit (undefined while under it). */
  private backlogSince: number | undefined;
  closed = false;
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
    this.sendEncoded(encode(frame, this.format));
  }

  /** Sends a frame already encoded in this connection's format. */
  sendEncoded(data: string | Buffer): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    this.lastSendAt = Date.now();
    ws.send(data);
    // A replay burst queues everything before the socket can drain, so one look proves nothing: note
    // when the backlog began and let the heartbeat sweep cut a reader that stays behind. Only a
    // backlog far past the limit is cut at once.
    const queued = ws.bufferedAmount;
    if (queued > this.maxBufferedBytes * HARD_BACKLOG_FACTOR) ws.terminate();
    else if (queued > this.maxBufferedBytes) this.backlogSince ??= this.lastSendAt;
  }

  /**
   * One heartbeat sweep: cuts a socket whose backlog outlasted the sweep (stalled or hostile; cutting
   * bounds memory and the client can resume), and fills a silence of half `maxIdleInterval`.
   */
  sweep(now: number, sweepMs: number, maxIdleInterval: number): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (this.stalled(now - sweepMs)) {
      ws.terminate();
      return;
    }
    if (now - this.lastSendAt < maxIdleInterval / 2) return;
    // Browsers cannot see ws pings, so they ask for protocol heartbeats; Node clients watch pings.
    if (this.heartbeats) this.send({ action: Action.HEARTBEAT });
    else {
      this.lastSendAt = now;
      ws.ping();
    }
  }

  /**
   * Applies a publish or presence frame at most once and answers it with ACK (carrying `apply`'s
   * result) or NACK; a frame the SDK resends after a resume gets the first answer again.
   */
  acknowledge(msg: Record<string, unknown>, apply: () => object[] | void, faults?: ServerFaults): void {
    const msgSerial = Number(msg.msgSerial);
    const prior = Number.isInteger(msgSerial) ? this.answered(msgSerial) : undefined;
    if (prior) {
      this.send(prior);
      return;
    }
    let frame: object;
    try {
      const res = apply();
      frame = res ? { action: Action.ACK, msgSerial, count: 1, res } : { action: Action.ACK, msgSerial, count: 1 };
    } catch (e) {
      frame = { action: Action.NACK, msgSerial, count: 1, error: errorInfo(e) };
    }
    this.remember(msgSerial, frame);
    if (faults?.cutBeforeAck(this)) this.ws?.terminate();
    else this.send(frame);
  }

  /** Records the answer to publish `msgSerial`, so a retry of it is answered the same way. */
  remember(msgSerial: number, frame: object): void {
    this.answers.set(msgSerial, frame);
    if (msgSerial > this.lastMsgSerial) this.lastMsgSerial = msgSerial;
    if (this.answers.size > MAX_REMEMBERED_ANSWERS) {
      const oldest = this.answers.keys().next().value;
      if (oldest !== undefined) this.answers.delete(oldest);
    }
  }

  /** The answer to `msgSerial` if it was already applied (the SDK resends unacknowledged frames on resume). */
  answered(msgSerial: number): object | undefined {
    if (msgSerial > this.lastMsgSerial) return undefined;
    return this.answers.get(msgSerial) ?? { action: Action.ACK, msgSerial, count: 1, res: [{ serials: [] }] };
  }

  /** The client id a message or presence member is published as; throws 40012 for a claim this connection may not make. */
  publisherId(claimed: unknown): string | undefined {
    return publisherIdFor(this.auth, this.clientId, claimed);
  }

  clearTimers(): void {
    clearTimeout(this.presenceTimer);
    clearTimeout(this.expiryTimer);
    clearTimeout(this.tokenTimer);
    this.presenceTimer = this.expiryTimer = this.tokenTimer = undefined;
  }

  /** Whether the socket has stayed over the backlog limit since before `cutoff`. */
  private stalled(cutoff: number): boolean {
    const ws = this.ws;
    if (this.backlogSince === undefined || !ws) return false;
    if (ws.bufferedAmount <= this.maxBufferedBytes) {
      this.backlogSince = undefined;
      return false;
    }
    return this.backlogSince <= cutoff;
  }
}
