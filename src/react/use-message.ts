/**
 * `useMessageIds` and `useMessage`: per-row subscriptions for long threads, so a token re-renders
 * only the row of the streaming response.
 */
import { entryOf, type ThreadEntry } from '../core/session-state.js';
import { useSessionController } from './session-context.js';
import { selectPath } from '../core/thread-tree.js';
import { shallowArrayEqual, useSessionSelector } from './use-session-selector.js';

/** No options yet; the object is there so options can be added without changing the signature. */
export type UseMessageIdsParams = Record<string, never>;

export interface UseMessageIdsResponse {
  /**
   * Keys of the entries this tab shows (the chosen path through edits and regenerations), oldest
   * first. Changes only when the path does — not per token.
   */
  ids: readonly string[];
}

export interface UseMessageParams {
  /** The entry's key, as listed by {@link useMessageIds}. */
  key: string;
}

export interface UseMessageResponse {
  /** The entry, or undefined when the thread has no entry with this key. */
  message: ThreadEntry | undefined;
}

/**
 * Keys of the thread's entries in order; render one row per key with {@link useMessage}.
 *
 * @example
 * const { ids } = useMessageIds();
 */
export function useMessageIds(_params?: UseMessageIdsParams): UseMessageIdsResponse {
  const ctrl = useSessionController('useMessageIds');
  return { ids: useSessionSelector(ctrl, (s) => selectPath(s).keys, '', shallowArrayEqual) };
}

/**
 * One entry by key. A finished entry never changes identity, so its (memoised) row never re-renders.
 *
 * @example
 * const { message } = useMessage({ key: id });
 */
export function useMessage(params: UseMessageParams): UseMessageResponse {
  const { key } = params;
  const ctrl = useSessionController('useMessage');
  return { message: useSessionSelector(ctrl, (s) => entryOf(s, key), key) };
}
