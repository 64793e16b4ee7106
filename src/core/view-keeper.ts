/**
 * Keeps a tab's branch picks across a reload: written to per-tab storage when they change, read back
 * when the controller starts. Picks name turns and responses by id, so they apply whatever order
 * history arrives in.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { SessionAction } from './reduce-session.js';
import type { BranchChoice, SessionState } from './session-state.js';
import type { ViewStorage } from './session-controller-options.js';
import type { Unsubscribe } from './transport.js';

/** The browser's per-tab storage, when there is one and it may be used (private modes can refuse). */
export function browserSessionStorage(): ViewStorage | null {
  try {
    const s = (globalThis as { sessionStorage?: ViewStorage }).sessionStorage;
    return s ?? null;
  } catch {
    return null;
  }
}

export class ViewKeeper {
  readonly #store: StoreApi<SessionState>;
  readonly #storage: ViewStorage | null;

  constructor(store: StoreApi<SessionState>, storage: ViewStorage | null) {
    this.#store = store;
    this.#storage = storage;
  }

  get #key(): string {
    return `durable-sessions:view:${this.#store.getState().sessionId}`;
  }

  start(dispatch: (a: SessionAction) => void): Unsubscribe {
    const storage = this.#storage;
    if (!storage) return () => {};
    const saved = this.#read(storage);
    if (saved) dispatch({ type: 'view/restore', branches: saved });
    let last = this.#store.getState().view.branches;
    return this.#store.subscribe((s) => {
      if (s.view.branches === last) return;
      last = s.view.branches;
      try {
        storage.setItem(this.#key, JSON.stringify(last));
      } catch {
        // Storage full or refused: the picks still hold for this page's life.
      }
    });
  }

  #read(storage: ViewStorage): Record<string, BranchChoice> | undefined {
    try {
      const raw = storage.getItem(this.#key);
      if (!raw) return undefined;
      const v: unknown = JSON.parse(raw);
      if (typeof v !== 'object' || v === null) return undefined;
      // Whatever is stored is another script's to write too: keep only well-formed picks.
      const out: Record<string, BranchChoice> = {};
      for (const [point, c] of Object.entries(v)) {
        if (point === '__proto__' || Object.prototype.hasOwnProperty.call(Object.prototype, point)) continue;
        if (typeof c === 'object' && c !== null && typeof c.pick === 'string' && typeof c.seen === 'string') out[point] = { pick: c.pick, seen: c.seen };
      }
      return out;
    } catch {
      return undefined;
    }
  }
}
