import { type MessageAction, type WireMessage } from '../core/protocol.js';
import { BrokerErrors } from './broker-error.js';
import { SerialClock } from './serial-clock.js';
import { PresenceSet } from './presence-set.js';

/** Limits of one channel. Every field is optional; defaults in brackets. */
export interface RetentionOptions {
  /** Largest create/append/update accepted, in bytes of name + data + headers. [65536] */
  maxMessageBytes?: number;
  /** Largest aggregated message (a whole response), in bytes. [8 MiB] */
  maxAggregateBytes?: number;
  /** Messages kept for history; the oldest are dropped beyond this. [10000] */
  maxMessages?: number;
  /** Events (creates, appends, updates) kept for resuming a connection. [100000] */
  maxEvents?: number;
}

export const DEFAULT_RETENTION: Required<RetentionOptions> = {
  maxMessageBytes: 65_536,
  maxAggregateBytes: 8 * 1024 * 1024,
  maxMessages: 10_000,
  maxEvents: 100_000,
};

/** Who published: the connection and its client id. */
export interface Origin {
  clientId?: string;
  connectionId?: string;
}

export interface AppendInput {
  data: string;
  headers?: Record<string, string>;
  precondition?: AppendPrecondition;
}

/** Where an append starts, so the log can refuse a gap and skip text it already holds. */
export interface AppendPrecondition {
  /** Length of the message's data before this append. */
  offset: number;
  /** Headers for the remaining delta when the broker trims an overlap that was already applied (given its new start). Default: the headers unchanged. */
  rebase?: (offset: number) => Record<string, string>;
}

export interface CreateInput {
  name: string;
  data: unknown;
  headers?: Record<string, string>;
  /** Publisher-chosen id, for idempotent publishing: a repeated id returns the first serial. */
  id?: string;
}

interface Aggregate {
  serial: string;
  id: string;
  version: string;
  action: MessageAction;
  name: string;
  data: unknown;
  headers: Record<string, string>;
  clientId?: string;
  connectionId?: string;
  timestamp: number;
  bytes: number;
}

/** One entry of the event log: a message as delivered live, at channel position `channelSerial`. */
export interface LogEvent {
  channelSerial: string;
  message: WireMessage & { id: string };
}

export interface Delivery {
  /** The message, as this subscriber must see it (an unseen message's append arrives as an update). */
  message: WireMessage & { id: string };
  channelSerial: string;
}

export interface AttachOptions {
  /** Resume from this channel serial: replay what came after it. */
  fromSerial?: string;
  /** Replay the last N messages, aggregated. Ignored when a resume succeeds. */
  rewind?: number;
}

export interface Subscription {
  /** Whether continuity from `fromSerial` held. */
  readonly resumed: boolean;
  /** Channel position at attach: what `untilAttach` history is bounded by. */
  readonly attachSerial: string;
  /** Messages to deliver right after ATTACHED, in order. */
  readonly replay: Delivery[];
  /** Why a requested resume failed, if it did. */
  readonly reason?: 'retention' | 'unknown_serial';
  unsubscribe(): void;
}

export interface HistoryOptions {
  direction?: 'backwards' | 'forwards';
  /** [100], at most 1000. */
  limit?: number;
  /** Only messages with serial ≤ this (e.g. the attach serial). */
  untilSerial?: string;
  /** Only messages with serial ≥ this. */
  sinceSerial?: string;
  /** Pagination cursor from a previous page. */
  cursor?: string;
}

export interface HistoryResult {
  items: (WireMessage & { id: string })[];
  /** Cursor for the next page, or null on the last page. */
  next: string | null;
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function sizeOf(name: string, data: unknown, headers: Record<string, string> | undefined): number {
  let n = utf8Length(name);
  if (typeof data === 'string') n += utf8Length(data);
  else if (data !== undefined && data !== null) n += utf8Length(JSON.stringify(data) ?? '');
  if (headers) for (const k in headers) n += utf8Length(k) + utf8Length(String(headers[k]));
  return n;
}

function sameHeaders(a: Record<string, string>, b: Record<string, string> | undefined): boolean {
  if (!b) return true;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * The position of a channel that has no events yet. Resuming from it replays everything, so a
 * client that attached to an empty channel can still resume without a gap.
 */
export const START_SERIAL = '00000000000000-000@0:0';

let seriesCounter = 0;

/**
 * The log of one channel: messages by serial with their aggregates, the event log used to resume,
 * live subscribers and presence. Pure and synchronous; knows nothing of sockets.
 */
export class ChannelLog {
  readonly presence = new PresenceSet();
  private readonly limits: Required<RetentionOptions>;
  private readonly clock: SerialClock;
  private readonly messages: Aggregate[] = [];
  private readonly bySerial = new Map<string, Aggregate>();
  private readonly byId = new Map<string, string>();
  private readonly events: LogEvent[] = [];
  /** Events dropped from the front of `events`; a resume from before the first kept one fails. */
  private droppedEvents = false;
  private lastSerial = '';
  private readonly subscribers = new Set<SubscriberState>();
  private readonly commitListeners = new Set<(e: LogEvent) => void>();

  constructor(
    readonly name: string,
    opts: { retention?: RetentionOptions; now?: () => number; series?: string } = {},
  ) {
    this.limits = { ...DEFAULT_RETENTION, ...opts.retention };
    this.clock = new SerialClock(opts.series ?? `s${(seriesCounter++).toString(36)}`, opts.now);
    this.now = opts.now ?? Date.now;
  }

  private readonly now: () => number;

  /** The channel position of the newest event ('' when empty). */
  get channelSerial(): string {
    return this.lastSerial;
  }

  get messageCount(): number {
    return this.messages.length;
  }

  /** Creates a message. Returns its serial. Throws {@link BrokerError} if it is too large. */
  create(input: CreateInput, origin: Origin = {}): string {
    if (input.id !== undefined) {
      const existing = this.byId.get(input.id);
      if (existing !== undefined) return existing;
    }
    const bytes = sizeOf(input.name, input.data, input.headers);
    if (bytes > this.limits.maxMessageBytes) throw BrokerErrors.tooLarge(bytes, this.limits.maxMessageBytes);
    const serial = this.clock.next();
    const agg: Aggregate = {
      serial,
      id: input.id ?? `${serial}`,
      version: serial,
      action: 'message.create',
      name: input.name,
      data: input.data,
      headers: { ...input.headers },
      timestamp: this.now(),
      bytes,
    };
    if (origin.clientId !== undefined) agg.clientId = origin.clientId;
    if (origin.connectionId !== undefined) agg.connectionId = origin.connectionId;
    this.messages.push(agg);
    this.bySerial.set(serial, agg);
    if (input.id !== undefined) this.byId.set(input.id, serial);
    this.enforceMessageRetention();
    this.commit(serial, { ...this.wire(agg), action: 'message.create' }, agg);
    return serial;
  }

  /**
   * Appends text to a message and replaces its headers. Returns the version serial. With a
   * precondition, a repeat of text the message already holds is not applied twice.
   */
  append(serial: string, input: AppendInput, origin: Origin = {}): string {
    const agg = this.bySerial.get(serial);
    if (!agg) throw BrokerErrors.unknownSerial(serial);
    let { data, headers } = input;
    if (typeof data !== 'string') throw BrokerErrors.badAppend('data must be a string');
    if (agg.data !== undefined && agg.data !== null && typeof agg.data !== 'string') {
      throw BrokerErrors.badAppend('the message data is not a string');
    }
    const bytes = sizeOf('', data, headers);
    if (bytes > this.limits.maxMessageBytes) throw BrokerErrors.tooLarge(bytes, this.limits.maxMessageBytes);
    const current = (agg.data as string | undefined) ?? '';
    const pre = input.precondition;
    if (pre !== undefined) {
      // A publisher that could not resume its connection republishes appends the log already
      // applied; those must not grow the aggregate a second time.
      const at = pre.offset;
      if (at > current.length) throw BrokerErrors.badAppend(`offset ${at} is past the text's length ${current.length}; an earlier append is missing`);
      const overlap = Math.min(data.length, current.length - at);
      if (current.slice(at, at + overlap) !== data.slice(0, overlap)) {
        throw BrokerErrors.badAppend(`offset ${at} overlaps text that differs from this append`);
      }
      if (overlap === data.length && (data.length > 0 || sameHeaders(agg.headers, headers))) return agg.version;
      if (overlap > 0) {
        data = data.slice(overlap);
        headers = pre.rebase ? pre.rebase(current.length) : headers;
      }
    }
    const grown = agg.bytes + utf8Length(data);
    if (grown > this.limits.maxAggregateBytes) throw BrokerErrors.aggregateTooLarge(this.limits.maxAggregateBytes);
    const version = this.clock.next();
    agg.data = current + data;
    agg.bytes = grown;
    if (headers !== undefined) agg.headers = { ...headers };
    agg.version = version;
    agg.action = 'message.update';
    const live: WireMessage & { id: string } = {
      serial,
      id: `${agg.id}`,
      version,
      action: 'message.append',
      name: agg.name,
      data,
      headers: { ...agg.headers },
      timestamp: this.now(),
    };
    if (origin.clientId !== undefined) live.clientId = origin.clientId;
    else if (agg.clientId !== undefined) live.clientId = agg.clientId;
    if (agg.connectionId !== undefined) live.connectionId = agg.connectionId;
    this.commit(version, live, agg);
    return version;
  }

  /** Replaces a message's data and headers. Returns the version serial. */
  update(serial: string, data: unknown, headers: Record<string, string> | undefined, origin: Origin = {}): string {
    const agg = this.bySerial.get(serial);
    if (!agg) throw BrokerErrors.unknownSerial(serial);
    const bytes = sizeOf(agg.name, data, headers ?? agg.headers);
    if (bytes > this.limits.maxAggregateBytes) throw BrokerErrors.aggregateTooLarge(this.limits.maxAggregateBytes);
    const version = this.clock.next();
    agg.data = data;
    agg.bytes = bytes;
    if (headers !== undefined) agg.headers = { ...headers };
    agg.version = version;
    agg.action = 'message.update';
    const live = this.wire(agg);
    if (origin.clientId !== undefined) live.clientId = origin.clientId;
    this.commit(version, live, agg);
    return version;
  }

  /**
   * Starts a subscription. With `fromSerial`, replays every event after it when the log still holds
   * them (`resumed`); otherwise, with `rewind`, replays the last N aggregated messages.
   */
  attach(listener: (d: Delivery) => void, opts: AttachOptions = {}): Subscription {
    const sub = new SubscriberState(listener);
    const replay: Delivery[] = [];
    let resumed = false;
    let reason: Subscription['reason'];
    if (opts.fromSerial !== undefined && opts.fromSerial !== '') {
      const at = this.resumeIndex(opts.fromSerial);
      if (at.ok) {
        resumed = true;
        sub.baseline = opts.fromSerial;
        for (let i = at.index; i < this.events.length; i++) {
          const e = this.events[i];
          replay.push(sub.view(e, this.bySerial));
        }
      } else {
        reason = at.reason;
      }
    }
    if (!resumed && opts.rewind !== undefined && opts.rewind > 0) {
      const from = Math.max(0, this.messages.length - Math.floor(opts.rewind));
      for (let i = from; i < this.messages.length; i++) {
        const agg = this.messages[i];
        sub.seen.add(agg.serial);
        replay.push({ message: this.wire(agg), channelSerial: this.lastSerial });
      }
    }
    const attachSerial = this.lastSerial;
    this.subscribers.add(sub);
    const result: Subscription = {
      resumed,
      attachSerial,
      replay,
      unsubscribe: () => {
        this.subscribers.delete(sub);
      },
    };
    if (reason !== undefined) (result as { reason?: Subscription['reason'] }).reason = reason;
    return result;
  }

  /** Aggregated messages, one per serial, paginated. */
  history(opts: HistoryOptions = {}): HistoryResult {
    const direction = opts.direction ?? 'backwards';
    const limit = Math.max(1, Math.min(1000, Math.floor(opts.limit ?? 100)));
    const upper = opts.untilSerial;
    const lower = opts.sinceSerial;
    const items: (WireMessage & { id: string })[] = [];
    let next: string | null = null;
    if (direction === 'backwards') {
      // The cursor is an exclusive upper bound.
      let i = this.messages.length - 1;
      const bound = opts.cursor ?? upper;
      if (bound !== undefined) {
        i = this.lastIndexAtOrBelow(bound);
        if (opts.cursor !== undefined && i >= 0 && this.messages[i].serial === opts.cursor) i--;
      }
      for (; i >= 0 && items.length < limit; i--) {
        const agg = this.messages[i];
        if (lower !== undefined && agg.serial < lower) break;
        items.push(this.wire(agg));
      }
      if (i >= 0 && items.length === limit && !(lower !== undefined && this.messages[i].serial < lower)) {
        next = items[items.length - 1].serial;
      }
    } else {
      let i = 0;
      const bound = opts.cursor ?? lower;
      if (bound !== undefined) {
        i = this.lastIndexAtOrBelow(bound) + 1;
        if (opts.cursor === undefined && i > 0 && this.messages[i - 1].serial === bound) i--;
      }
      for (; i < this.messages.length && items.length < limit; i++) {
        const agg = this.messages[i];
        if (upper !== undefined && agg.serial > upper) break;
        items.push(this.wire(agg));
      }
      if (i < this.messages.length && items.length === limit && !(upper !== undefined && this.messages[i].serial > upper)) {
        next = items[items.length - 1].serial;
      }
    }
    return { items, next };
  }

  /** The aggregate of one message, or undefined. */
  get(serial: string): (WireMessage & { id: string }) | undefined {
    const agg = this.bySerial.get(serial);
    return agg ? this.wire(agg) : undefined;
  }

  /** Listens to every committed event (for persistence). */
  onCommit(listener: (e: LogEvent) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /**
   * Re-applies events from a persisted log, keeping their serials. Used when a server restarts with a
   * data directory; no subscriber exists yet, so nothing is delivered.
   */
  load(events: Iterable<LogEvent>): void {
    for (const e of events) {
      const m = e.message;
      this.clock.observe(e.channelSerial);
      if (m.version) this.clock.observe(m.version);
      if (m.action === 'message.create') {
        // A snapshot's create carries the aggregate: its data so far and the version that made it.
        const version = m.version || m.serial;
        const agg: Aggregate = {
          serial: m.serial,
          id: m.id,
          version,
          action: version === m.serial ? 'message.create' : 'message.update',
          name: m.name,
          data: m.data,
          headers: { ...m.headers },
          timestamp: m.timestamp,
          bytes: sizeOf(m.name, m.data, m.headers),
        };
        if (m.clientId !== undefined) agg.clientId = m.clientId;
        if (m.connectionId !== undefined) agg.connectionId = m.connectionId;
        this.messages.push(agg);
        this.bySerial.set(m.serial, agg);
        if (m.id !== m.serial) this.byId.set(m.id, m.serial);
        this.enforceMessageRetention();
      } else {
        const agg = this.bySerial.get(m.serial);
        if (!agg) continue;
        if (m.action === 'message.append') agg.data = ((agg.data as string | undefined) ?? '') + String(m.data ?? '');
        else agg.data = m.data;
        agg.headers = { ...m.headers };
        agg.version = m.version;
        agg.action = 'message.update';
      }
      this.pushEvent(e);
    }
  }

  /**
   * The retained messages as one create event each, carrying the aggregate (full data, last headers
   * and version), in serial order: what {@link load} needs to rebuild this log, without the appends.
   */
  snapshot(): LogEvent[] {
    return this.messages.map((agg) => ({ channelSerial: agg.serial, message: { ...this.wire(agg), action: 'message.create' } }));
  }

  /** How many events the log holds for resuming (bounded by `maxEvents`). */
  get eventCount(): number {
    return this.events.length;
  }

  private commit(channelSerial: string, message: WireMessage & { id: string }, agg: Aggregate): void {
    const e: LogEvent = { channelSerial, message };
    this.pushEvent(e);
    for (const l of this.commitListeners) l(e);
    for (const sub of this.subscribers) sub.deliver(e, agg, this);
  }

  private pushEvent(e: LogEvent): void {
    this.events.push(e);
    this.lastSerial = e.channelSerial;
    if (this.events.length > this.limits.maxEvents) {
      // Drop in chunks so the cost of shifting the array is amortised.
      this.events.splice(0, Math.max(1, Math.floor(this.limits.maxEvents / 4)));
      this.droppedEvents = true;
    }
  }

  private enforceMessageRetention(): void {
    const excess = this.messages.length - this.limits.maxMessages;
    if (excess <= 0) return;
    const removed = this.messages.splice(0, excess);
    for (const agg of removed) {
      this.bySerial.delete(agg.serial);
      if (agg.id !== agg.serial) this.byId.delete(agg.id);
    }
  }

  /** Where to resume from: the index of the first event after `serial`. */
  private resumeIndex(serial: string): { ok: true; index: number } | { ok: false; reason: 'retention' | 'unknown_serial' } {
    if (serial === START_SERIAL) return this.droppedEvents ? { ok: false, reason: 'retention' } : { ok: true, index: 0 };
    if (serial > this.lastSerial) return { ok: false, reason: 'unknown_serial' };
    if (this.events.length === 0) return { ok: true, index: 0 };
    const first = this.events[0].channelSerial;
    if (serial < first) return this.droppedEvents ? { ok: false, reason: 'retention' } : { ok: true, index: 0 };
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid].channelSerial <= serial) lo = mid + 1;
      else hi = mid;
    }
    return { ok: true, index: lo };
  }

  private lastIndexAtOrBelow(serial: string): number {
    let lo = 0;
    let hi = this.messages.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.messages[mid].serial <= serial) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** @internal */
  wire(agg: Aggregate): WireMessage & { id: string } {
    const m: WireMessage & { id: string } = {
      serial: agg.serial,
      id: agg.id,
      version: agg.version,
      action: agg.action,
      name: agg.name,
      data: agg.data,
      headers: { ...agg.headers },
      timestamp: agg.timestamp,
    };
    if (agg.clientId !== undefined) m.clientId = agg.clientId;
    if (agg.connectionId !== undefined) m.connectionId = agg.connectionId;
    return m;
  }
}

/** Per-subscriber view: which messages it has seen, so an unseen message's first append arrives whole. */
class SubscriberState {
  /** Messages with serial ≤ baseline were seen before a resume. */
  baseline = '';
  readonly seen = new Set<string>();

  constructor(private readonly listener: (d: Delivery) => void) {}

  private hasSeen(serial: string): boolean {
    return (this.baseline !== '' && serial <= this.baseline) || this.seen.has(serial);
  }

  /** The message this subscriber must get for event `e`. */
  view(e: LogEvent, bySerial: Map<string, Aggregate>): Delivery {
    const m = e.message;
    if (m.action === 'message.append' && !this.hasSeen(m.serial)) {
      const agg = bySerial.get(m.serial);
      this.seen.add(m.serial);
      if (agg) return { message: { ...m, action: 'message.update', data: agg.data, version: agg.version }, channelSerial: e.channelSerial };
    }
    this.seen.add(m.serial);
    return { message: m, channelSerial: e.channelSerial };
  }

  deliver(e: LogEvent, agg: Aggregate, log: ChannelLog): void {
    const m = e.message;
    if (m.action === 'message.append' && !this.hasSeen(m.serial)) {
      this.seen.add(m.serial);
      this.listener({ message: { ...log.wire(agg), action: 'message.update' }, channelSerial: e.channelSerial });
      return;
    }
    this.seen.add(m.serial);
    this.listener({ message: m, channelSerial: e.channelSerial });
  }
}
