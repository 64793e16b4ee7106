/**
 * The one walk over a channel's history pages, shared by the client's hydrate/backfill and the
 * agent's start-up and catch-up reads, so paging limits and stop rules live in one place.
 */
import type { WireMessage } from './protocol.js';
import type { HistoryQuery, TransportChannel } from './transport.js';

export interface ReadHistoryOptions {
  /** The first page's query. Default: backwards, 100 per page. */
  query?: HistoryQuery;
  /** Stop once this many messages were read. */
  max: number;
  /** Stop after the page on which this first holds for a message (that page is still returned whole). */
  reached?: (m: WireMessage) => boolean;
  /** Checked between pages: stop when it returns true (the reader was closed). */
  cancelled?: () => boolean;
}

/** Reads history pages until a stop rule holds; returns the messages in the order the pages gave them. */
export async function readHistory(channel: TransportChannel, opts: ReadHistoryOptions): Promise<WireMessage[]> {
  const out: WireMessage[] = [];
  let page = await channel.history({ direction: 'backwards', limit: 100, ...opts.query });
  for (;;) {
    let reached = false;
    for (const m of page.items) {
      out.push(m);
      if (opts.reached?.(m)) reached = true;
    }
    if (reached || out.length >= opts.max || !page.hasNext() || opts.cancelled?.()) return out;
    const next = await page.next();
    if (!next) return out;
    page = next;
  }
}
