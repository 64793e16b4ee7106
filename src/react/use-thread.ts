/**
 * `useThread`: the path of the conversation this tab shows — each turn's message and the chosen
 * answers, root to leaf — with older history paged in on demand and edits that branch.
 */
import { useCallback } from 'react';
import type { ControlResult, SendOptions } from '../core/session-controller-options.js';
import type { ThreadEntry } from '../core/session-state.js';
import { selectPath, selectPathEntries } from '../core/thread-tree.js';
import { useSessionController } from './session-context.js';
import { shallowArrayEqual, shallowObjectEqual, useSessionSelector } from './use-session-selector.js';

export interface UseThreadParams {
  /**
   * Whether to return the entries too (re-rendering, at most once a frame, while one streams).
   * `false` returns only `ids`, which change when the path does — the shape for a list of memoised
   * rows that each read their entry with `useMessage`. Default true.
   */
  messages?: boolean;
}

export interface UseThreadResponse {
  /** Keys of the entries on the shown path, oldest first. Same array until the path changes. */
  ids: readonly string[];
  /** The entries on the path (empty with `messages: false`). Finished entries keep their identity. */
  messages: readonly ThreadEntry[];
  /** Older history exists that is not loaded yet. */
  hasOlder: boolean;
  /** An older page is being read. */
  loadingOlder: boolean;
  /** Reads the next older page (one history request); resolves with how many messages it held. */
  loadOlder: () => Promise<number>;
  /**
   * Edits a user message (by key): sends the text as a new branch beside it, which agents answer;
   * the original stays one branch away. Your own messages only, unless `allowEditingOthers`. Never
   * throws; resolves with the outcome.
   */
  edit: (key: string, text: string, options?: SendOptions) => Promise<ControlResult>;
}

const NO_MESSAGES: readonly ThreadEntry[] = [];

/**
 * The conversation as this tab shows it: one path through the tree of edits and regenerations.
 * Another tab picking another branch changes nothing here; a new branch from any tab is followed
 * (unless `followBranches: false`).
 *
 * @example
 * const { messages, hasOlder, loadOlder, loadingOlder, edit } = useThread();
 */
export function useThread(params: UseThreadParams = {}): UseThreadResponse {
  const withMessages = params.messages ?? true;
  const ctrl = useSessionController('useThread');
  const ids = useSessionSelector(ctrl, (s) => selectPath(s).keys, '', shallowArrayEqual);
  const messages = useSessionSelector(
    ctrl,
    (s) => (withMessages ? selectPathEntries(s) : NO_MESSAGES),
    withMessages ? 'messages' : 'ids',
    shallowArrayEqual,
  );
  const paging = useSessionSelector(ctrl, (s) => s.paging, '', shallowObjectEqual);
  const loadOlder = useCallback(() => ctrl.loadOlder(), [ctrl]);
  const edit = useCallback((key: string, text: string, options?: SendOptions) => ctrl.edit(key, text, options), [ctrl]);
  return { ids, messages, hasOlder: paging.hasOlder, loadingOlder: paging.loadingOlder, loadOlder, edit };
}
