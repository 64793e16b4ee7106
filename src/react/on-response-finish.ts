/**
 * Tells when a response of the session reaches a final status, from store changes alone: the source
 * of `useDurableSession`'s `onFinish`. Vanilla, so it can be tested and reused without React.
 */
import type { StoreApi } from 'zustand/vanilla';
import { isFinalStatus } from '../core/protocol.js';
import { entryOf, selectResponse, type ResponseEntry, type SessionState } from '../core/session-state.js';
import type { Unsubscribe } from '../core/transport.js';

// A tab's own `interrupted` verdict may be undone by a takeover, so only an agent's ending is final.
const done = (e: ResponseEntry) => isFinalStatus(e.status) && !e.interruptedLocally;

/**
 * Calls `listener` once per response that an agent ends — `complete`, `cancelled`, `error`,
 * `interrupted` — after `since`
 * (the state the caller last saw). Responses already final at `since`, and finished responses that
 * the first hydration loads from history, are old news and never reported. A response that finished
 * while the connection was away is reported when the backfill brings it.
 */
export function onResponseFinish(store: StoreApi<SessionState>, listener: (response: ResponseEntry) => void, since: SessionState = store.getState()): Unsubscribe {
  const settled = new Set<string>();
  const open = new Set<string>();
  let order: string[] | undefined;

  const check = (s: SessionState, report: boolean) => {
    const due: ResponseEntry[] = [];
    // Only a new or re-keyed entry changes `order`, so the whole-thread walk is rare; tokens only
    // touch the responses still open.
    if (s.order !== order) {
      order = s.order;
      for (const key of s.order) {
        const e = entryOf(s, key);
        if (e?.kind !== 'response' || settled.has(e.responseId) || open.has(e.responseId)) continue;
        if (!done(e)) open.add(e.responseId);
        else {
          settled.add(e.responseId);
          if (report && s.connection.hydrated) due.push(e);
        }
      }
    }
    for (const id of open) {
      const e = selectResponse(s, id);
      if (!e || !done(e)) continue;
      open.delete(id);
      settled.add(id);
      if (report) due.push(e);
    }
    for (const e of due) listener(e);
  };

  check(since, false);
  const unsubscribe = store.subscribe((s) => check(s, true));
  check(store.getState(), true);
  return unsubscribe;
}
