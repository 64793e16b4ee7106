// One session channel of a memory transport: attach with resume by channel serial, publish and
// append into the broker's log, history and presence, all carried over the connection's link.
import { START_SERIAL, type AppendInput, type Broker, type Delivery, type HistoryOptions, type PresenceEntry, type Subscription } from '../broker/index.js';
import { DurableSessionError, toSessionError } from '../core/errors.js';
import { Listeners } from '../core/listeners.js';
import type { OutgoingMessage, PresenceData, WireMessage } from '../core/protocol.js';
import type { AttachResult, HistoryPage, HistoryQuery, PresenceMember, TransportChannel, Unsubscribe } from '../core/transport.js';
import { sessionWirePolicy } from '../core/wire-policy.js';
import type { SimulatedLink } from './simulated-link.js';

/** What a channel needs of its connection. */
export interface MemoryConnectionContext {
  readonly clientId: string;
  readonly connectionId: string;
  readonly broker: Broker;
  readonly link: SimulatedLink;
}

/** The wire message without the broker's publisher id, as an Ably client would see it. */
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

export class MemoryChannel implements TransportChannel {
  private sub: Subscription | null = null;
  private attached = false;
  /** Where a resume starts: the last serial received with nothing missing before it. */
  private lastSerial = '';
  /** The subscription that lost a delivery: its later serials must not move the resume point. */
  private holed: Subscription | null = null;
  private attachSerial = '';
  private entered: PresenceData | null = null;
  private readonly messages = new Listeners<[WireMessage]>();
  private readonly discontinuities = new Listeners<[]>();
  private readonly presenceListeners = new Listeners<[PresenceMember[]]>();
  private presenceUnsub: Unsubscribe | null = null;

  constructor(
    private readonly conn: MemoryConnectionContext,
    readonly name: string,
  ) {}

  private get log() {
    return this.conn.broker.channel(this.name);
  }

  private get link(): SimulatedLink {
    return this.conn.link;
  }

  private get origin() {
    return { clientId: this.conn.clientId, connectionId: this.conn.connectionId };
  }

  attach(): Promise<AttachResult> {
    if (this.attached) return this.link.tick().then(() => ({ resumed: true }));
    return this.link.whenUp(() => {
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
    await this.link.tick();
  }

  subscribe(listener: (m: WireMessage) => void): Unsubscribe {
    return this.messages.add(listener);
  }

  onDiscontinuity(listener: () => void): Unsubscribe {
    return this.discontinuities.add(listener);
  }

  publish(message: OutgoingMessage): Promise<{ serial: string }> {
    return this.link
      .whenUp(() => {
        const input: { name: string; data: unknown; headers?: Record<string, string>; id?: string } = { name: message.name, data: message.data };
        if (message.headers) input.headers = message.headers;
        if (message.id !== undefined) input.id = message.id;
        return { serial: this.log.create(input, this.origin) };
      })
      .catch((e: unknown) => {
        throw toSessionError(e, `Publishing ${message.name} failed`);
      });
  }

  append(serial: string, data: string, headers: Record<string, string>): Promise<void> {
    return this.link
      .whenUp(() => {
        const input: AppendInput = { data, headers };
        const precondition = sessionWirePolicy.appendPrecondition(headers);
        if (precondition) input.precondition = precondition;
        this.log.append(serial, input, this.origin);
      })
      .catch((e: unknown) => {
        throw toSessionError(e, 'Append failed');
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
      this.link.whenUp(() => {
        const opts: HistoryOptions = { direction, limit };
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
      this.link.whenUp(() => {
        this.entered = data;
        this.log.presence.enter(this.conn.clientId, this.conn.connectionId, data);
      }),
    update: (data: PresenceData): Promise<void> => this.presence.enter(data),
    leave: (): Promise<void> =>
      this.link.whenUp(() => {
        this.entered = null;
        this.log.presence.leave(this.conn.clientId, this.conn.connectionId);
      }),
    get: (): Promise<PresenceMember[]> => this.link.whenUp(() => this.members()),
    subscribe: (listener: (m: PresenceMember[]) => void): Unsubscribe => this.presenceListeners.add(listener),
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
    this.link.later(() => this.presenceListeners.emit(this.members()));
    if (!r.resumed) this.link.later(() => this.discontinuities.emit());
  }

  shutdown(): void {
    this.suspend();
    this.attached = false;
    this.presenceUnsub?.();
    this.presenceUnsub = null;
  }

  private open(tryResume: boolean): AttachResult {
    const opts = tryResume && this.lastSerial !== '' ? { fromSerial: this.lastSerial } : {};
    const sub = this.log.attach((d) => this.deliver(d, sub, this.link.copies()), opts);
    this.sub = sub;
    this.attachSerial = sub.attachSerial;
    if (!sub.resumed) this.lastSerial = sub.attachSerial === '' ? START_SERIAL : sub.attachSerial;
    for (const d of sub.replay) this.deliver(d, sub, 1);
    return { resumed: sub.resumed };
  }

  private deliver(d: Delivery, sub: Subscription, copies: number): void {
    this.link.later(() => {
      if (this.sub !== sub) return;
      if (copies === 0) this.holed = sub;
      else if (this.holed !== sub && d.channelSerial > this.lastSerial) this.lastSerial = d.channelSerial;
      const m = strip(d.message);
      for (let i = 0; i < copies; i++) this.messages.emit(m);
    });
  }

  private watchPresence(): void {
    if (this.presenceUnsub) return;
    this.presenceUnsub = this.log.presence.subscribe(() => {
      this.link.later(() => {
        if (this.link.up) this.presenceListeners.emit(this.members());
      });
    });
  }

  private members(): PresenceMember[] {
    return this.log.presence.list().map((e: PresenceEntry) => ({ clientId: e.clientId, connectionId: e.connectionId, data: e.data }));
  }
}
