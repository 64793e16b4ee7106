/**
 * `useResponseVersions`: every answer one agent gave one turn (the first, then each retry or
 * regeneration), and which of them this tab shows — the newest, unless the reader picked another.
 */
import { useCallback } from 'react';
import { selectResponse, type ResponseEntry } from '../core/session-state.js';
import { selectVersions } from '../core/response-selectors.js';
import { shownVersionKey } from '../core/thread-tree.js';
import { useSessionController } from './session-context.js';
import { shallowArrayEqual, useSessionSelector } from './use-session-selector.js';

export interface UseResponseVersionsParams {
  /** Any version of the answer; undefined gives no versions. */
  responseId: string | undefined;
}

export interface UseResponseVersionsResponse {
  /** Every version, oldest first. A finished version keeps its identity. */
  versions: ResponseEntry[];
  /** Position of the shown version in `versions`; -1 when there are none. */
  index: number;
  count: number;
  /**
   * Shows the version at `index` in this tab only (kept across reloads) until a newer version
   * arrives. An index out of range is ignored.
   */
  select: (index: number) => void;
  /** The version to show. */
  selected: ResponseEntry | undefined;
}

const NONE: ResponseEntry[] = [];

/**
 * The versions of one agent's answer to a turn, for a "‹ 1 / 2 ›" switcher. The pick is this tab's,
 * the same one `useThread` shows; a new version (a retry from any tab) is shown as soon as it appears.
 *
 * @example
 * const { index, count, select, selected } = useResponseVersions({ responseId });
 * <button disabled={index === 0} onClick={() => select(index - 1)}>‹</button> {index + 1} / {count}
 */
export function useResponseVersions(params: UseResponseVersionsParams): UseResponseVersionsResponse {
  const { responseId } = params;
  const ctrl = useSessionController('useResponseVersions');
  const versions = useSessionSelector(ctrl, (s) => (responseId ? selectVersions(s, responseId) : NONE), responseId ?? '', shallowArrayEqual);
  const shown = useSessionSelector(ctrl, (s) => {
    const r = responseId ? selectResponse(s, responseId) : undefined;
    return r ? shownVersionKey(s, r.key) : undefined;
  }, responseId ?? '');
  const select = useCallback(
    (i: number) => {
      const v = versions[i];
      if (v) ctrl.selectBranch(v.key, i);
    },
    [ctrl, versions],
  );
  const found = versions.findIndex((v) => v.key === shown);
  const index = found >= 0 ? found : versions.length - 1;
  return { versions, index, count: versions.length, select, selected: versions[index] };
}
