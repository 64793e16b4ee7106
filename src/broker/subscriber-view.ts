// What one subscriber is shown of a channel's events: which messages it has seen, so an unseen
// message's append reaches it whole (an update carrying the aggregate), and deltas otherwise.
import { RecentSet } from '../core/recent.js';
import type { LogEvent } from './event-log.js';
import { toWire, type Aggregate, type LogMessage } from './message-store.js';

export interface Delivery {
  /** The message, as this subscriber must see it (an unseen message's append arrives as an update). */
  message: LogMessage;
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

export class SubscriberView {
  /** Messages with serial ≤ baseline were seen before a resume. */
  private baseline = '';
  private readonly seen: RecentSet<string>;

  /**
   * @param maxMessages The channel's message retention. Twice that many serials covers every
   *   message this subscriber can still be sent an append for.
   */
  constructor(
    readonly listener: (d: Delivery) => void,
    maxMessages: number,
  ) {
    this.seen = new RecentSet(2 * maxMessages);
  }

  /** Everything up to `serial` was seen on an earlier subscription. */
  resumeFrom(serial: string): void {
    this.baseline = serial;
  }

  markSeen(serial: string): void {
    this.seen.add(serial);
  }

  /** The delivery for event `e`, given the aggregate of its message as it stands now. */
  view(e: LogEvent, agg: Aggregate | undefined): Delivery {
    const m = e.message;
    const unseen = m.action === 'message.append' && !this.hasSeen(m.serial);
    this.seen.add(m.serial);
    if (unseen && agg) return { message: { ...toWire(agg), action: 'message.update' }, channelSerial: e.channelSerial };
    return { message: m, channelSerial: e.channelSerial };
  }

  private hasSeen(serial: string): boolean {
    return (this.baseline !== '' && serial <= this.baseline) || this.seen.has(serial);
  }
}
