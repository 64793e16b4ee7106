// The log of one channel: create/append/update aggregation under retention limits, live
// subscribers with resume and rewind, and presence. Pure and synchronous; knows nothing of sockets.
import { Listeners } from '../core/listeners.js';
import type { Unsubscribe } from '../core/transport.js';
import { BrokerErrors } from './broker-error.js';
import { EventLog, type LogEvent } from './event-log.js';
import { queryHistory, type HistoryOptions, type HistoryResult } from './history-query.js';
import { loadEvents, snapshotEvents } from './log-persistence.js';
import { messageSize, utf8Length } from './message-size.js';
import { MessageStore, toWire, type Aggregate, type LogMessage } from './message-store.js';
import { PresenceSet } from './presence-set.js';
import { SerialClock } from './serial-clock.js';
import { SubscriberView, type AttachOptions, type Delivery, type Subscription } from './subscriber-view.js';

/** Limits of one channel. Every field is optional; defaults in brackets. */
export interface RetentionOptions {
  /** Largest create/append/update accepted, in bytes of name + data + headers. [65536] */
  maxMessageBytes?: number;
  /** Largest aggregated message (all its appends together), in bytes. [8 MiB] */
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

export interface CreateInput {
  name: string;
  data: unknown;
  headers?: Record<string, string>;
  /** Publisher-chosen id, for idempotent publishing: a repeated id returns the first serial. */
  id?: string;
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
  /** The remaining delta's headers when the broker trims an overlap that was already applied (given its new start). Default: the headers unchanged. */
  rebase?: (offset: number) => Record<string, string>;
}

function sameFields(a: Record<string, string>, b: Record<string, string> | undefined): boolean {
  if (!b) return true;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

let seriesCounter = 0;

export class ChannelLog {
  readonly presence = new PresenceSet();
  private readonly limits: Required<RetentionOptions>;
  private readonly clock: SerialClock;
  private readonly now: () => number;
  private readonly store: MessageStore;
  private readonly events: EventLog;
  private readonly subscribers = new Set<SubscriberView>();
  private readonly commitListeners = new Listeners<[LogEvent]>();

  constructor(
    readonly name: string,
    opts: { retention?: RetentionOptions; now?: () => number; series?: string } = {},
  ) {
    this.limits = { ...DEFAULT_RETENTION, ...opts.retention };
    this.clock = new SerialClock(opts.series ?? `s${(seriesCounter++).toString(36)}`, opts.now);
    this.now = opts.now ?? Date.now;
    this.store = new MessageStore(this.limits.maxMessages);
    this.events = new EventLog(this.limits.maxEvents);
  }

  /** The channel position of the newest event ('' when empty). */
  get channelSerial(): string {
    return this.events.lastSerial;
  }

  get messageCount(): number {
    return this.store.size;
  }

  /** How many events the log holds for resuming (bounded by `maxEvents`). */
  get eventCount(): number {
    return this.events.size;
  }

  /** Creates a message. Returns its serial. Throws {@link BrokerError} if it is too large. */
  create(input: CreateInput, origin: Origin = {}): string {
    if (input.id !== undefined) {
      const existing = this.store.serialOf(input.id);
      if (existing !== undefined) return existing;
    }
    const bytes = messageSize(input.name, input.data, input.headers);
    if (bytes > this.limits.maxMessageBytes) throw BrokerErrors.tooLarge(bytes, this.limits.maxMessageBytes);
    const serial = this.clock.next();
    const agg: Aggregate = {
      serial,
      id: input.id ?? serial,
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
    this.store.add(agg);
    this.commit(serial, toWire(agg), agg);
    return serial;
  }

  /**
   * Appends text to a message and replaces its headers. Returns the version serial. With a
   * precondition, a repeat of text the message already holds is not applied twice.
   */
  append(serial: string, input: AppendInput, origin: Origin = {}): string {
    const agg = this.store.get(serial);
    if (!agg) throw BrokerErrors.unknownSerial(serial);
    let { data, headers } = input;
    if (typeof data !== 'string') throw BrokerErrors.badAppend('data must be a string');
    if (agg.data !== undefined && agg.data !== null && typeof agg.data !== 'string') {
      throw BrokerErrors.badAppend('the message data is not a string');
    }
    const bytes = messageSize('', data, headers);
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
      if (overlap === data.length && (data.length > 0 || sameFields(agg.headers, headers))) return agg.version;
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
    const live: LogMessage = {
      serial,
      id: agg.id,
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
    const agg = this.store.get(serial);
    if (!agg) throw BrokerErrors.unknownSerial(serial);
    const bytes = messageSize(agg.name, data, headers ?? agg.headers);
    if (bytes > this.limits.maxAggregateBytes) throw BrokerErrors.aggregateTooLarge(this.limits.maxAggregateBytes);
    const version = this.clock.next();
    agg.data = data;
    agg.bytes = bytes;
    if (headers !== undefined) agg.headers = { ...headers };
    agg.version = version;
    agg.action = 'message.update';
    const live = toWire(agg);
    if (origin.clientId !== undefined) live.clientId = origin.clientId;
    this.commit(version, live, agg);
    return version;
  }

  /**
   * Starts a subscription. With `fromSerial`, replays every event after it when the log still holds
   * them (`resumed`); otherwise, with `rewind`, replays the last N aggregated messages.
   */
  attach(listener: (d: Delivery) => void, opts: AttachOptions = {}): Subscription {
    const sub = new SubscriberView(listener, this.limits.maxMessages);
    const replay: Delivery[] = [];
    let resumed = false;
    let reason: Subscription['reason'];
    if (opts.fromSerial !== undefined && opts.fromSerial !== '') {
      const at = this.events.since(opts.fromSerial);
      if (at.ok) {
        resumed = true;
        sub.resumeFrom(opts.fromSerial);
        for (const e of at.events) replay.push(sub.view(e, this.store.get(e.message.serial)));
      } else {
        reason = at.reason;
      }
    }
    if (!resumed && opts.rewind !== undefined && opts.rewind > 0) {
      const all = this.store.all();
      for (const agg of all.slice(Math.max(0, all.length - Math.floor(opts.rewind)))) {
        sub.markSeen(agg.serial);
        replay.push({ message: toWire(agg), channelSerial: this.events.lastSerial });
      }
    }
    this.subscribers.add(sub);
    const result: Subscription = {
      resumed,
      attachSerial: this.events.lastSerial,
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
    return queryHistory(this.store, opts);
  }

  /** The aggregate of one message, or undefined. */
  get(serial: string): LogMessage | undefined {
    const agg = this.store.get(serial);
    return agg ? toWire(agg) : undefined;
  }

  /** Listens to every committed event (for persistence). */
  onCommit(listener: (e: LogEvent) => void): Unsubscribe {
    return this.commitListeners.add(listener);
  }

  /**
   * Re-applies events from a persisted log, keeping their serials. Used when a server restarts with a
   * data directory; no subscriber exists yet, so nothing is delivered.
   */
  load(events: Iterable<LogEvent>): void {
    loadEvents({ clock: this.clock, store: this.store, events: this.events }, events);
  }

  /**
   * The retained messages as one create event each, carrying the aggregate (full data, last headers
   * and version), in serial order: what {@link load} needs to rebuild this log, without the appends.
   */
  snapshot(): LogEvent[] {
    return snapshotEvents(this.store);
  }

  private commit(channelSerial: string, message: LogMessage, agg: Aggregate): void {
    const e: LogEvent = { channelSerial, message };
    this.events.push(e);
    this.commitListeners.emit(e);
    for (const sub of this.subscribers) sub.listener(sub.view(e, agg));
  }
}
