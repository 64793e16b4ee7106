/**
 * `useBranches`: where one message stands among its alternatives — a user message among its edits,
 * an answer among its agent's versions — and a way to show another one in this tab.
 */
import { useCallback } from 'react';
import { selectBranchInfo, type BranchInfo } from '../core/thread-tree.js';
import { useSessionController } from './session-context.js';
import { shallowArrayEqual, useSessionSelector } from './use-session-selector.js';

export interface UseBranchesParams {
  /** The message's key (from `useThread().ids`); undefined gives one branch. */
  key: string | undefined;
}

export interface UseBranchesResponse {
  /** Position of this message among its alternatives (0-based). */
  index: number;
  /** How many alternatives there are (1 when it was never edited or regenerated). */
  count: number;
  /**
   * Shows alternative `i` in this tab only (kept across reloads); other tabs keep what they show.
   * Throws a `DurableSessionError` (`invalid_argument`) for an index out of range.
   */
  select: (i: number) => void;
}

const ONE: BranchInfo = { point: '', ids: [], index: 0, count: 1 };
const sameInfo = (a: BranchInfo, b: BranchInfo) => a.point === b.point && a.index === b.index && shallowArrayEqual(a.ids, b.ids);

/**
 * For a "‹ 2 / 3 ›" picker: the message's place among the branches at its point in the tree.
 *
 * @example
 * const { index, count, select } = useBranches({ key });
 * <button disabled={index === 0} onClick={() => select(index - 1)}>‹</button> {index + 1} / {count}
 */
export function useBranches(params: UseBranchesParams): UseBranchesResponse {
  const { key } = params;
  const ctrl = useSessionController('useBranches');
  const info = useSessionSelector(ctrl, (s) => (key ? (selectBranchInfo(s, key) ?? ONE) : ONE), key ?? '', sameInfo);
  const select = useCallback((i: number) => ctrl.selectBranch(key ?? '', i), [ctrl, key]);
  return { index: Math.max(0, info.index), count: Math.max(1, info.count), select };
}
