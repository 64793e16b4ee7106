/**
 * Brings a session's store up to date from channel history: hydration on attach, and backfills
 * after a discontinuity or a gap, reconciled by serial through the one reducer.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { ActionQueue } from './action-queue.js';
import { toSessionError, type DurableSessionError } from './errors.js';
import type { WireMessage } from './protocol.js';
import type { HistoryPage } from './transport.js';
import { readHistory } from './read-history.js';
import { entryOf, type SessionState } from './session-state.js';
import type { TransportChannel } from './transport.js';

export interface HistorySyncHost {
  readonly store: StoreApi<SessionState>;
  readonly queue: ActionQueue;
  channel(): TransportChannel;
  maxHistory(): number;
  /** Messages per history page: what hydration reads, and what each `loadOlder` adds. */
  pageSize(): number;
  now(): number;
  closed(): boolean;
  /** Validates one history message and queues it (without scheduling a frame). */
  ingest(m: WireMessage): void;
  report(e: DurableSessionError): void;
}

export class HistorySync {
  #running: Promise<void> | null = null;
  #again = false;
  /** The oldest history page read so far: where the next older page comes from. */
  #cursor: HistoryPage | null = null;
  #older: Promise<number> | null = null;
  readonly #host: HistorySyncHost;

  constructor(host: HistorySyncHost) {
    this.#host = host;
  }

  /** Loads the newest page of what came before the attach point; older pages come with {@link loadOlder}. */
  hydrate(): Promise<void> {
    return this.#run(true);
  }

  /**
   * Reads the next older history page (one request) into the store; resolves with how many messages
   * it held (0 when there is nothing older). Calls while one is in flight share it.
   */
  loadOlder(): Promise<number> {
    if (this.#older) return this.#older;
    const cursor = this.#cursor;
    if (!cursor || !cursor.hasNext() || this.#host.closed()) return Promise.resolve(0);
    const { queue } = this.#host;
    this.#older = (async () => {
      queue.dispatchNow({ type: 'paging', loadingOlder: true });
      let read = 0;
      try {
        const page = await cursor.next();
        if (page && !this.#host.closed()) {
          this.#cursor = page;
          read = page.items.length;
          this.#ingest(page.items);
        }
        queue.dispatchNow({ type: 'paging', hasOlder: page !== null && page.hasNext() });
      } catch (e) {
        this.#host.report(toSessionError(e, 'Loading older messages failed'));
      } finally {
        queue.dispatchNow({ type: 'paging', loadingOlder: false });
        this.#older = null;
      }
      return read;
    })();
    return this.#older;
  }

  /**
   * Walks history back until it reaches what the store already holds settled. A request while one
   * runs is folded into one more round, so a gap found mid-backfill is never dropped.
   */
  backfill(): Promise<void> {
    return this.#run(false);
  }

  #run(hydration: boolean): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const { queue } = this.#host;
    this.#running = (async () => {
      do {
        this.#again = false;
        queue.flush();
        queue.dispatchNow({ type: 'backfill/start' });
        let failure: { e: unknown } | undefined;
        try {
          await this.#load(hydration);
        } catch (e) {
          failure = { e };
        }
        queue.dispatchNow({ type: 'backfill/done', at: this.#host.now(), hydration });
        if (failure) this.#host.report(toSessionError(failure.e, 'Catching up from history failed'));
        hydration = false;
      } while (this.#again && !this.#host.closed());
      this.#running = null;
    })();
    return this.#running;
  }

  async #load(hydration: boolean): Promise<void> {
    if (hydration) {
      // One page, newest first: a session of thousands of turns opens as fast as a short one.
      const page = await this.#host.channel().history({ direction: 'backwards', limit: this.#host.pageSize(), untilAttach: true });
      this.#cursor = page;
      this.#ingest(page.items);
      this.#host.queue.dispatchNow({ type: 'paging', hasOlder: page.hasNext() });
      return;
    }
    const stopAt = hydration ? undefined : backfillBound(this.#host.store.getState());
    const opts: Parameters<typeof readHistory>[1] = {
      query: { direction: 'backwards', limit: 100, untilAttach: hydration },
      max: this.#host.maxHistory(),
      cancelled: () => this.#host.closed(),
    };
    if (stopAt !== undefined) opts.reached = (m) => m.serial < stopAt;
    this.#ingest(await readHistory(this.#host.channel(), opts));
  }

  /** Applies messages read newest first, oldest first, so turns are built in channel order. */
  #ingest(newestFirst: readonly WireMessage[]): void {
    for (let i = newestFirst.length - 1; i >= 0; i--) this.#host.ingest(newestFirst[i]);
    this.#host.queue.flush();
  }
}

/** The oldest serial a backfill must reach: the newest settled message, or anything still open. */
function backfillBound(s: SessionState): string | undefined {
  let bound: string | undefined;
  for (let i = s.order.length - 1; i >= 0; i--) {
    const k = s.order[i];
    if (k.startsWith('local:')) continue;
    if (bound === undefined) bound = k;
    const e = entryOf(s, k);
    if (e?.kind === 'response' && (e.status === 'streaming' || e.gap) && k < bound) bound = k;
  }
  return bound;
}
