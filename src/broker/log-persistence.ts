// Persisting a channel log: the snapshot a store writes (one create per retained message, carrying
// its aggregate) and the replay that rebuilds a log from persisted events, keeping their serials.
import type { EventLog, LogEvent } from './event-log.js';
import { messageSize } from './message-size.js';
import { toWire, type Aggregate, type MessageStore } from './message-store.js';
import type { SerialClock } from './serial-clock.js';

/** The parts of a channel log that loading rebuilds. */
export interface PersistedLogParts {
  clock: SerialClock;
  store: MessageStore;
  events: EventLog;
}

/**
 * Re-applies persisted events. A snapshot's create carries the aggregate (its data so far and the
 * version that made it); appends and updates after it are folded in, as the live log did.
 */
export function loadEvents(parts: PersistedLogParts, events: Iterable<LogEvent>): void {
  for (const e of events) {
    const m = e.message;
    parts.clock.observe(e.channelSerial);
    if (m.version) parts.clock.observe(m.version);
    if (m.action === 'message.create') {
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
        bytes: messageSize(m.name, m.data, m.headers),
      };
      if (m.clientId !== undefined) agg.clientId = m.clientId;
      if (m.connectionId !== undefined) agg.connectionId = m.connectionId;
      parts.store.add(agg);
    } else {
      const agg = parts.store.get(m.serial);
      if (!agg) continue;
      if (m.action === 'message.append') agg.data = ((agg.data as string | undefined) ?? '') + String(m.data ?? '');
      else agg.data = m.data;
      agg.headers = { ...m.headers };
      agg.version = m.version;
      agg.action = 'message.update';
    }
    parts.events.push(e);
  }
}

/** The retained messages as one create event each, in serial order: what {@link loadEvents} rebuilds from. */
export function snapshotEvents(store: MessageStore): LogEvent[] {
  return store.all().map((agg) => ({ channelSerial: agg.serial, message: { ...toWire(agg), action: 'message.create' } }));
}
