// Paginated history over a channel's aggregates: one item per message, newest or oldest first,
// bounded by serials, with a cursor that is the last serial of the previous page.
import { toWire, type LogMessage, type MessageStore } from './message-store.js';

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
  items: LogMessage[];
  /** Cursor for the next page, or null on the last page. */
  next: string | null;
}

/** One page of aggregated messages. */
export function queryHistory(store: MessageStore, opts: HistoryOptions = {}): HistoryResult {
  const limit = Math.max(1, Math.min(1000, Math.floor(opts.limit ?? 100)));
  return (opts.direction ?? 'backwards') === 'backwards' ? backwards(store, limit, opts) : forwards(store, limit, opts);
}

function backwards(store: MessageStore, limit: number, opts: HistoryOptions): HistoryResult {
  const lower = opts.sinceSerial;
  const items: LogMessage[] = [];
  // The cursor is an exclusive upper bound; untilSerial an inclusive one.
  let i = store.size - 1;
  const bound = opts.cursor ?? opts.untilSerial;
  if (bound !== undefined) {
    i = store.lastIndexAtOrBelow(bound);
    if (opts.cursor !== undefined && i >= 0 && store.at(i).serial === opts.cursor) i--;
  }
  for (; i >= 0 && items.length < limit; i--) {
    const agg = store.at(i);
    if (lower !== undefined && agg.serial < lower) break;
    items.push(toWire(agg));
  }
  const more = i >= 0 && items.length === limit && !(lower !== undefined && store.at(i).serial < lower);
  return { items, next: more ? items[items.length - 1].serial : null };
}

function forwards(store: MessageStore, limit: number, opts: HistoryOptions): HistoryResult {
  const upper = opts.untilSerial;
  const items: LogMessage[] = [];
  // The cursor is an exclusive lower bound; sinceSerial an inclusive one.
  let i = 0;
  const bound = opts.cursor ?? opts.sinceSerial;
  if (bound !== undefined) {
    i = store.lastIndexAtOrBelow(bound) + 1;
    if (opts.cursor === undefined && i > 0 && store.at(i - 1).serial === bound) i--;
  }
  for (; i < store.size && items.length < limit; i++) {
    const agg = store.at(i);
    if (upper !== undefined && agg.serial > upper) break;
    items.push(toWire(agg));
  }
  const more = i < store.size && items.length === limit && !(upper !== undefined && store.at(i).serial > upper);
  return { items, next: more ? items[items.length - 1].serial : null };
}
