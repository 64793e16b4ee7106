// The events of one channel as delivered live, by channel serial: what a connection resumes from.
// Bounded by retention; once the oldest are dropped, a resume from before them is refused.
import { countAtOrBelow } from './count-at-or-below.js';
import type { LogMessage } from './message-store.js';

/** One entry of the event log: a message as delivered live, at channel position `channelSerial`. */
export interface LogEvent {
  channelSerial: string;
  message: LogMessage;
}

/**
 * The position of a channel that has no events yet. Resuming from it replays everything, so a
 * client that attached to an empty channel can still resume without a gap.
 */
export const START_SERIAL = '00000000000000-000@0:0';

export type ResumePoint = { ok: true; events: readonly LogEvent[] } | { ok: false; reason: 'retention' | 'unknown_serial' };

export class EventLog {
  private readonly events: LogEvent[] = [];
  /** Events were dropped from the front; a resume from before the first kept one fails. */
  private dropped = false;
  private last = '';

  constructor(private readonly maxEvents: number) {}

  /** The channel position of the newest event ('' when empty). */
  get lastSerial(): string {
    return this.last;
  }

  get size(): number {
    return this.events.length;
  }

  push(e: LogEvent): void {
    this.events.push(e);
    this.last = e.channelSerial;
    if (this.events.length > this.maxEvents) {
      // Drop in chunks so the cost of shifting the array is amortised.
      this.events.splice(0, Math.max(1, Math.floor(this.maxEvents / 4)));
      this.dropped = true;
    }
  }

  /** The events after `serial`, or why a resume from it cannot be served. */
  since(serial: string): ResumePoint {
    if (serial !== START_SERIAL) {
      if (serial > this.last) return { ok: false, reason: 'unknown_serial' };
      if (this.events.length === 0) return { ok: true, events: [] };
      if (serial >= this.events[0].channelSerial) return { ok: true, events: this.events.slice(countAtOrBelow(this.events, (e) => e.channelSerial, serial)) };
    }
    // From the front of the log: only while nothing was dropped there.
    return this.dropped ? { ok: false, reason: 'retention' } : { ok: true, events: this.events.slice() };
  }
}
