/**
 * `useResponseVersions`: every answer one agent gave one turn (the first, then each retry or
 * regeneration), and which of them this tab shows — the newest, unless the reader picked another.
 */
import { useCallback, useState } from 'react';
import { selectVersions, type ResponseEntry } from '../core/session-state.js';
import { useSessionController } from './session-context.js';
import { useLatestRef } from './use-latest-ref.js';
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
  /** Shows the version at `index` in this tab only, until another version arrives. */
  select: (index: number) => void;
  /** The version to show. */
  selected: ResponseEntry | undefined;
}

const NONE: ResponseEntry[] = [];

/**
 * The versions of one agent's answer to a turn, for a "‹ 1 / 2 ›" switcher. The choice is local to the
 * component; a new version (a retry from any tab) is shown as soon as it appears.
 *
 * @example
 * const { index, count, select, selected } = useResponseVersions({ responseId });
 * <button disabled={index === 0} onClick={() => select(index - 1)}>‹</button> {index + 1} / {count}
 */
export function useResponseVersions(params: UseResponseVersionsParams): UseResponseVersionsResponse {
  const { responseId } = params;
  const ctrl = useSessionController('useResponseVersions');
  const versions = useSessionSelector(ctrl, (s) => (responseId ? selectVersions(s, responseId) : NONE), responseId ?? '', shallowArrayEqual);
  // Remembering how many versions there were when the reader chose lets a new one take over the view.
  const [pick, setPick] = useState<{ id: string; count: number } | null>(null);
  const latest = useLatestRef(versions);
  const select = useCallback(
    (i: number) => {
      const v = latest.current[i];
      if (v) setPick({ id: v.responseId, count: latest.current.length });
    },
    [latest],
  );
  const picked = pick && pick.count === versions.length ? versions.findIndex((v) => v.responseId === pick.id) : -1;
  const index = picked >= 0 ? picked : versions.length - 1;
  return { versions, index, count: versions.length, select, selected: versions[index] };
}
