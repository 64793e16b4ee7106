// The messages of one channel as aggregates, in serial order, found by serial or by publisher id;
// what history, rewind and snapshots read. The oldest are forgotten beyond the retention limit.
import type { WireMessage } from '../core/protocol.js';
import { countAtOrBelow } from './count-at-or-below.js';

/** A message as the broker hands it out: the wire model plus the publisher's id. */
export type LogMessage = WireMessage & { id: string };

/** A message as it stands now: its data so far, its last headers and the version that made them. */
export interface Aggregate extends LogMessage {
  /** Size counted against `maxAggregateBytes`. */
  bytes: number;
}

/** A copy of the aggregate on the wire, so a subscriber cannot mutate the log's state. */
export function toWire(agg: Aggregate): LogMessage {
  const m: LogMessage = {
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

export class MessageStore {
  private readonly messages: Aggregate[] = [];
  private readonly bySerial = new Map<string, Aggregate>();
  /** Publisher ids that differ from the serial, for idempotent publishing. */
  private readonly byId = new Map<string, string>();

  constructor(private readonly maxMessages: number) {}

  get size(): number {
    return this.messages.length;
  }

  /** The message at position `index` in serial order. */
  at(index: number): Aggregate {
    return this.messages[index];
  }

  get(serial: string): Aggregate | undefined {
    return this.bySerial.get(serial);
  }

  /** The serial a publisher id was first given, if it is still retained. */
  serialOf(id: string): string | undefined {
    return this.byId.get(id);
  }

  /** The retained messages, oldest first. */
  all(): readonly Aggregate[] {
    return this.messages;
  }

  /** Adds the newest message and forgets the oldest beyond `maxMessages`. */
  add(agg: Aggregate): void {
    this.messages.push(agg);
    this.bySerial.set(agg.serial, agg);
    if (agg.id !== agg.serial) this.byId.set(agg.id, agg.serial);
    const excess = this.messages.length - this.maxMessages;
    if (excess <= 0) return;
    for (const old of this.messages.splice(0, excess)) {
      this.bySerial.delete(old.serial);
      if (old.id !== old.serial) this.byId.delete(old.id);
    }
  }

  /** Index of the last message with serial ≤ `serial` (-1 when there is none). */
  lastIndexAtOrBelow(serial: string): number {
    return countAtOrBelow(this.messages, (m) => m.serial, serial) - 1;
  }
}
