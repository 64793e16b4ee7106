/**
 * Notices a streaming response whose agent instance has left the session's presence, and after a
 * grace period shows it `interrupted` in this tab, so no answer stays "streaming" forever.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { SessionAction } from './reduce-session.js';
import type { SessionState } from './session-state.js';
import type { Unsubscribe } from './transport.js';

export interface LivenessOptions {
  store: StoreApi<SessionState>;
  dispatch: (a: SessionAction) => void;
  /** How long an instance may be absent before its responses show `interrupted`. */
  graceMs: () => number;
}

/**
 * Presence is only trusted while this tab is connected and after it has read the member list once:
 * a tab that is itself offline, or still loading, must not call the agent gone.
 */
export class LivenessWatcher {
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #synced = false;
  #seen: { live: SessionState['live']; presence: SessionState['presence']; status: string } | null = null;
  readonly #o: LivenessOptions;

  constructor(o: LivenessOptions) {
    this.#o = o;
  }

  start(): Unsubscribe {
    const off = this.#o.store.subscribe(() => this.#check());
    return () => {
      off();
      for (const t of this.#timers.values()) clearTimeout(t);
      this.#timers.clear();
    };
  }

  /** The member list has been read at least once. */
  presenceSynced(): void {
    this.#synced = true;
    this.#seen = null;
    this.#check();
  }

  #check(): void {
    const s = this.#o.store.getState();
    const seen = this.#seen;
    if (seen && seen.live === s.live && seen.presence === s.presence && seen.status === s.connection.status) return;
    this.#seen = { live: s.live, presence: s.presence, status: s.connection.status };
    const trusted = this.#synced && s.connection.status === 'connected';
    const present = new Set<string>();
    for (const m of s.presence) if (m.data.instance) present.add(m.data.instance);
    const absent = new Set<string>();
    for (const key in s.live) {
      const r = s.live[key];
      if (trusted && r.status === 'streaming' && r.instance !== undefined && !present.has(r.instance)) absent.add(key);
    }
    for (const [key, t] of this.#timers) {
      if (absent.has(key)) continue;
      clearTimeout(t);
      this.#timers.delete(key);
    }
    for (const key of absent) {
      if (this.#timers.has(key)) continue;
      this.#timers.set(
        key,
        setTimeout(() => {
          this.#timers.delete(key);
          this.#o.dispatch({ type: 'local/interrupted', key });
        }, this.#o.graceMs()),
      );
    }
  }
}
