/**
 * A SessionTransport over an in-process {@link Broker}: for tests, Storybook and demos that need no
 * server. It behaves like a network connection — asynchronous delivery, queued publishes while
 * disconnected, resume by channel serial — and can inject the faults a real network produces.
 */
import { Broker, START_SERIAL, type AppendInput, type Delivery, type Subscription } from '../broker/index.js';
import type { PresenceEntry } from '../broker/presence-set.js';
import { BrokerError } from '../broker/broker-error.js';
import { DurableSessionError } from '../core/errors.js';
import { seededRandom } from '../core/random.js';
import { sessionWirePolicy } from '../core/wire-policy.js';
import type { OutgoingMessage, PresenceData, WireMessage } from '../core/protocol.js';
import type {
  AttachResult,
  ConnectionChange,
  ConnectionStatus,
  HistoryPage,
  HistoryQuery,
  PresenceMember,
  SessionTransport,
  TransportChannel,
  Unsubscribe,
} from '../core/transport.js';

export interface MemoryTransportOptions {
  /** The broker shared by every client of the simulated service. */
  broker: Broker;
  /** This client's id. Default: a random `client-…` id. */
  clientId?: string;
  /** Delay added to every delivery and acknowledgement, in ms. Default 0 (next microtask). */
  latencyMs?: number;
  /** Fraction of live deliveries silently dropped (0–1). Default 0. */
  dropRate?: number;
  /** Fraction of live deliveries delivered twice (0–1). Default 0. */
  duplicateRate?: number;
  /** Seed for the fault schedule, so a failing run can be replayed. Default 1. */
  seed?: number;
}

export interface MemoryTransport extends SessionTransport {
  readonly connectionId: string;
  /** Drops the connection: nothing is delivered, publishes queue until {@link reconnect}. */
  disconnect(): void;
  /** Reconnects and resumes every attached channel from the last serial it received. */
  reconnect(): Promise<void>;
  /**
   * Makes the next reconnect a new connection that cannot resume, so each channel reattaches without
   * continuity and reports a discontinuity. When connected, drops and reconnects at once.
   */
  forceDiscontinuity(): Promise<void>;
  /** Changes the added latency, in ms. */
  setLatency(ms: number): void;
  /** Drops the next `n` live deliveries on every channel. */
  dropNext(n: number): void;
  /** Changes the random drop and duplicate rates. */
  setFaults(f: { dropRate?: number; duplicateRate?: number }): void;
}

let connectionCounter = 0;

function toError(e: unknown, what: string): DurableSessionError {
  if (e instanceof BrokerError) {
    return new DurableSessionError(e.code === 40009 ? 'oversize' : 'transport', `${what}: ${e.message}`, { statusCode: e.statusCode, cause: e });
  }
  return new DurableSessionError('transport', `${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

class MemoryConnection implements MemoryTransport {
  readonly clientId: string;
  connectionId: string;
  status: ConnectionStatus = 'connected';
  private latency: number;
  private dropRate: number;
  private duplicateRate: number;
  private dropBudget = 0;
  private readonly random: () => number;
  private readonly statusListeners = new Set<(c: ConnectionChange) => void>();
  private readonly channels = new Map<string, MemoryChannel>();
  /** Frames waiting out the simulated latency, oldest first. */
  private readonly inflight: { due: number; fn: () => void }[] = [];
  private pump: ReturnType<typeof setTimeout> | null = null;
  private pendingDiscontinuity = false;
  /** Work queued while disconnected: publishes and presence operations, run in order on reconnect. */
  private outbox: (() => void)[] = [];

  constructor(
    readonly broker: Broker,
    opts: MemoryTransportOptions,
  ) {
    this.clientId = opts.clientId ?? `client-${Math.random().toString(36).slice(2, 10)}`;
    this.connectionId = `mem-${++connectionCounter}`;
    this.latency = opts.latencyMs ?? 0;
    this.dropRate = opts.dropRate ?? 0;
    this.duplicateRate = opts.duplicateRate ?? 0;
    this.random = seededRandom(opts.seed ?? 1);
  }

  get connected(): boolean {
    return this.status === 'connected';
  }

  onStatus(listener: (c: ConnectionChange) => void): Unsubscribe {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  channel(sessionId: string): TransportChannel {
    let ch = this.channels.get(sessionId);
    if (!ch) {
      ch = new MemoryChannel(this, sessionId);
      this.channels.set(sessionId, ch);
    }
    return ch;
  }

  async close(): Promise<void> {
    if (this.status === 'closed') return;
    for (const ch of this.channels.values()) ch.shutdown();
    this.broker.dropConnection(this.connectionId);
    this.outbox = [];
    this.setStatus({ status: 'closed' });
  }

  disconnect(): void {
    if (this.status !== 'connected') return;
    for (const ch of this.channels.values()) ch.suspend();
    this.setStatus({ status: 'disconnected' });
  }

  async reconnect(): Promise<void> {
    if (this.status === 'connected' || this.status === 'closed') return;
    this.setStatus({ status: 'resuming' });
    await this.tick();
    const fresh = this.pendingDiscontinuity;
    this.pendingDiscontinuity = false;
    if (fresh) {
      // A new connection: the old one's presence is gone, as when a server times it out.
      this.broker.dropConnection(this.connectionId);
      this.connectionId = `mem-${++connectionCounter}`;
    }
    this.status = 'connected';
    for (const ch of this.channels.values()) ch.resume(fresh);
    const queued = this.outbox;
    this.outbox = [];
    for (const run of queued) run();
    this.setStatus({ status: 'connected', resumed: !fresh });
  }

  async forceDiscontinuity(): Promise<void> {
    this.pendingDiscontinuity = true;
    if (this.status === 'connected') {
      this.disconnect();
      await this.reconnect();
    }
  }

  setLatency(ms: number): void {
    this.latency = Math.max(0, ms);
  }

  dropNext(n: number): void {
    this.dropBudget += Math.max(0, n);
  }

  setFaults(f: { dropRate?: number; duplicateRate?: number }): void {
    if (f.dropRate !== undefined) this.dropRate = f.dropRate;
    if (f.duplicateRate !== undefined) this.duplicateRate = f.duplicateRate;
  }

  /**
   * Runs `fn` after the simulated network delay, preserving order: like a real connection, a lower
   * latency never lets a later frame overtake one still in flight.
   */
  later(fn: () => void): void {
    if (this.latency <= 0 && this.inflight.length === 0) {
      queueMicrotask(fn);
      return;
    }
    const last = this.inflight[this.inflight.length - 1];
    this.inflight.push({ due: Math.max(Date.now() + this.latency, last ? last.due : 0), fn });
    if (!this.pump) this.schedulePump();
  }

  private schedulePump(): void {
    const head = this.inflight[0];
    if (!head) return;
    this.pump = setTimeout(() => {
      const now = Date.now();
      // `pump` stays set while frames run, so a frame that sends another cannot start a second timer.
      let frame = this.inflight.shift();
      while (frame) {
        try {
          frame.fn();
        } catch (e) {
          // Surface a listener's error as the microtask path would, without stalling later frames.
          queueMicrotask(() => {
            throw e;
          });
        }
        frame = this.inflight.length > 0 && this.inflight[0].due <= now ? this.inflight.shift() : undefined;
      }
      this.pump = null;
      this.schedulePump();
    }, Math.max(0, head.due - Date.now()));
  }

  tick(): Promise<void> {
    return new Promise((resolve) => this.later(resolve));
  }

  /** Runs now when connected, else on reconnect. Rejects if the connection closes first. */
  whenConnected<T>(fn: () => T): Promise<T> {
    if (this.status === 'closed') {
      return Promise.reject(new DurableSessionError('invalid_state', 'The transport is closed; create a new one to reconnect.'));
    }
    return new Promise<T>((resolve, reject) => {
      const run = () => {
        try {
          const v = fn();
          this.later(() => resolve(v));
        } catch (e) {
          this.later(() => reject(e));
        }
      };
      if (this.connected) run();
      else this.outbox.push(run);
    });
  }

  /** Decides the fate of one live delivery: how many copies arrive (0 = dropped). */
  copies(): number {
    if (this.dropBudget > 0) {
      this.dropBudget--;
      return 0;
    }
    if (this.dropRate > 0 && this.random() < this.dropRate) return 0;
    if (this.duplicateRate > 0 && this.random() < this.duplicateRate) return 2;
    return 1;
  }

  private setStatus(c: ConnectionChange): void {
    this.status = c.status;
    for (const l of [...this.statusListeners]) l(c);
  }
}

class MemoryChannel implements TransportChannel {
  private sub: Subscription | null = null;
  private attached = false;
  /** Where a resume starts: the last serial received with nothing missing before it. */
  private lastSerial = '';
  /** The subscription that lost a delivery: its later serials must not move the resume point. */
  private holed: Subscription | null = null;
  private attachSerial = '';
  private entered: PresenceData | null = null;
  private readonly listeners = new Set<(m: WireMessage) => void>();
  private readonly discontinuityListeners = new Set<() => void>();
  private readonly presenceListeners = new Set<(m: PresenceMember[]) => void>();
  private presenceUnsub: (() => void) | null = null;

  constructor(
    private readonly conn: MemoryConnection,
    readonly name: string,
  ) {}

  private get log() {
    return this.conn.broker.channel(this.name);
  }

  attach(): Promise<AttachResult> {
    if (this.attached) return this.conn.tick().then(() => ({ resumed: true }));
    return this.conn.whenConnected(() => {
      this.attached = true;
      this.watchPresence();
      return this.open(false);
    });
  }

  async detach(): Promise<void> {
    this.attached = false;
    this.sub?.unsubscribe();
    this.sub = null;
    this.presenceUnsub?.();
    this.presenceUnsub = null;
    await this.conn.tick();
  }

  subscribe(listener: (m: WireMessage) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onDiscontinuity(listener: () => void): Unsubscribe {
    this.discontinuityListeners.add(listener);
    return () => this.discontinuityListeners.delete(listener);
  }

  publish(message: OutgoingMessage): Promise<{ serial: string }> {
    return this.conn
      .whenConnected(() => {
        const input: { name: string; data: unknown; headers?: Record<string, string>; id?: string } = { name: message.name, data: message.data };
        if (message.headers) input.headers = message.headers;
        if (message.id !== undefined) input.id = message.id;
        return { serial: this.log.create(input, { clientId: this.conn.clientId, connectionId: this.conn.connectionId }) };
      })
      .catch((e: unknown) => {
        throw toError(e, `Publishing ${message.name} failed`);
      });
  }

  append(serial: string, data: string, headers: Record<string, string>): Promise<void> {
    return this.conn
      .whenConnected(() => {
        const input: AppendInput = { data, headers };
        const precondition = sessionWirePolicy.appendPrecondition(headers);
        if (precondition) input.precondition = precondition;
        this.log.append(serial, input, { clientId: this.conn.clientId, connectionId: this.conn.connectionId });
      })
      .catch((e: unknown) => {
        throw toError(e, 'Append failed');
      });
  }

  history(query: HistoryQuery = {}): Promise<HistoryPage> {
    const direction = query.direction ?? 'backwards';
    const limit = query.limit ?? 100;
    const untilSerial = query.untilAttach ? this.attachSerial : undefined;
    if (query.untilAttach && !this.attached) {
      return Promise.reject(new DurableSessionError('invalid_state', 'history({ untilAttach: true }) needs an attached channel; call attach() first.'));
    }
    const page = (cursor?: string): Promise<HistoryPage> =>
      this.conn.whenConnected(() => {
        const opts: Parameters<typeof this.log.history>[0] = { direction, limit };
        if (untilSerial !== undefined && untilSerial !== '') opts.untilSerial = untilSerial;
        if (cursor !== undefined) opts.cursor = cursor;
        // An empty channel attached at '' has nothing before the attach point.
        const r = query.untilAttach && untilSerial === '' ? { items: [], next: null } : this.log.history(opts);
        const next = r.next;
        return {
          items: r.items.map(strip),
          hasNext: () => next !== null,
          next: () => (next === null ? Promise.resolve(null) : page(next)),
        };
      });
    return page();
  }

  readonly presence = {
    enter: (data: PresenceData): Promise<void> =>
      this.conn.whenConnected(() => {
        this.entered = data;
        this.log.presence.enter(this.conn.clientId, this.conn.connectionId, data);
      }),
    update: (data: PresenceData): Promise<void> => this.presence.enter(data),
    leave: (): Promise<void> =>
      this.conn.whenConnected(() => {
        this.entered = null;
        this.log.presence.leave(this.conn.clientId, this.conn.connectionId);
      }),
    get: (): Promise<PresenceMember[]> => this.conn.whenConnected(() => this.members()),
    subscribe: (listener: (m: PresenceMember[]) => void): Unsubscribe => {
      this.presenceListeners.add(listener);
      return () => this.presenceListeners.delete(listener);
    },
  };

  /** Connection dropped: stop receiving. */
  suspend(): void {
    this.sub?.unsubscribe();
    this.sub = null;
  }

  /** Connection back: resume from the last serial, or reattach afresh. */
  resume(fresh: boolean): void {
    if (!this.attached) return;
    const r = this.open(!fresh);
    if (fresh && this.entered) this.log.presence.enter(this.conn.clientId, this.conn.connectionId, this.entered);
    // Presence changes while disconnected were not seen: hand listeners the current set.
    this.conn.later(() => {
      const members = this.members();
      for (const l of [...this.presenceListeners]) l(members);
    });
    if (!r.resumed) {
      this.conn.later(() => {
        for (const l of [...this.discontinuityListeners]) l();
      });
    }
  }

  shutdown(): void {
    this.suspend();
    this.attached = false;
    this.presenceUnsub?.();
    this.presenceUnsub = null;
  }

  private open(tryResume: boolean): AttachResult {
    const opts = tryResume && this.lastSerial !== '' ? { fromSerial: this.lastSerial } : {};
    const sub = this.log.attach((d) => this.onLive(d, sub), opts);
    this.sub = sub;
    this.attachSerial = sub.attachSerial;
    if (!sub.resumed) this.lastSerial = sub.attachSerial === '' ? START_SERIAL : sub.attachSerial;
    for (const d of sub.replay) this.deliver(d, sub, 1);
    return { resumed: sub.resumed };
  }

  private onLive(d: Delivery, sub: Subscription): void {
    this.deliver(d, sub, this.conn.copies());
  }

  private deliver(d: Delivery, sub: Subscription, copies: number): void {
    this.conn.later(() => {
      if (this.sub !== sub) return;
      if (copies === 0) this.holed = sub;
      else if (this.holed !== sub && d.channelSerial > this.lastSerial) this.lastSerial = d.channelSerial;
      const m = strip(d.message);
      for (let i = 0; i < copies; i++) for (const l of [...this.listeners]) l(m);
    });
  }

  private watchPresence(): void {
    if (this.presenceUnsub) return;
    this.presenceUnsub = this.log.presence.subscribe(() => {
      this.conn.later(() => {
        if (!this.conn.connected) return;
        const members = this.members();
        for (const l of [...this.presenceListeners]) l(members);
      });
    });
  }

  private members(): PresenceMember[] {
    return this.log.presence.list().map((e: PresenceEntry) => ({ clientId: e.clientId, connectionId: e.connectionId, data: e.data }));
  }
}

function strip(m: WireMessage & { id?: string }): WireMessage {
  const out: WireMessage = {
    serial: m.serial,
    version: m.version,
    action: m.action,
    name: m.name,
    data: m.data,
    headers: m.headers,
    timestamp: m.timestamp,
  };
  if (m.clientId !== undefined) out.clientId = m.clientId;
  if (m.connectionId !== undefined) out.connectionId = m.connectionId;
  return out;
}

/** Creates a memory transport: one simulated connection of one client to `broker`. */
export function createMemoryTransport(opts: MemoryTransportOptions): MemoryTransport {
  return new MemoryConnection(opts.broker, opts);
}

export { Broker, createBroker } from '../broker/index.js';
export { seededRandom };
