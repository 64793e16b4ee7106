import { entryOf, type ThreadEntry } from '../core/session-state.js';
import { useSessionController } from './session-context.js';
import { useSessionSelector } from './use-session-selector.js';

/** Keys of the thread's entries in order. Changes only when an entry is added — not per token. */
export function useMessageIds(): string[] {
  const ctrl = useSessionController('useMessageIds');
  return useSessionSelector(ctrl, (s) => s.order);
}

/** One entry by key. A finished entry never changes identity, so its row never re-renders. */
export function useMessage(key: string): ThreadEntry | undefined {
  const ctrl = useSessionController('useMessage');
  return useSessionSelector(ctrl, (s) => entryOf(s, key), key);
}
