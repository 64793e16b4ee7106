/**
 * Batches the actions a session's events produce and applies them to the store once per frame, so a
 * burst of tokens costs one store update (and one render) instead of one per token.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { FrameScheduler } from './frame-scheduler.js';
import { reduceSession, type SessionAction } from './reduce-session.js';
import type { SessionState } from './session-state.js';

export class ActionQueue {
  #queue: SessionAction[] = [];
  #cancelFrame: (() => void) | null = null;
  readonly #store: StoreApi<SessionState>;
  readonly #scheduler: FrameScheduler;
  readonly #afterFlush: (s: SessionState) => void;

  /** `afterFlush` runs after every flush with the new state (the controller starts a backfill from there). */
  constructor(store: StoreApi<SessionState>, scheduler: FrameScheduler, afterFlush: (s: SessionState) => void) {
    this.#store = store;
    this.#scheduler = scheduler;
    this.#afterFlush = afterFlush;
  }

  /** Queues an action for the next frame. */
  dispatch(a: SessionAction): void {
    this.#queue.push(a);
    if (!this.#cancelFrame) {
      this.#cancelFrame = this.#scheduler(() => {
        this.#cancelFrame = null;
        this.flush();
      });
    }
  }

  /** Applies an action at once, after anything already queued (so order holds). */
  dispatchNow(a: SessionAction): void {
    this.#queue.push(a);
    this.flush();
  }

  /** Queues an action without scheduling a frame: the caller flushes (a history page applied whole). */
  enqueue(a: SessionAction): void {
    this.#queue.push(a);
  }

  /** Applies every queued action now, as one store update. */
  flush(): void {
    this.#cancelFrame?.();
    this.#cancelFrame = null;
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    let s = this.#store.getState();
    for (const a of batch) s = reduceSession(s, a);
    this.#store.setState(s, true);
    this.#afterFlush(s);
  }

  /** Drops the pending frame (the queue itself is flushed by whoever stops the session). */
  cancel(): void {
    this.#cancelFrame?.();
    this.#cancelFrame = null;
  }
}
