/**
 * `BranchPicker`: "‹ 2 / 3 ›" beside a message that has alternatives — an edited user message's
 * branches, or an agent's versions of an answer — switching what this tab shows.
 */
import type { ComponentPropsWithoutRef, MouseEvent } from 'react';
import { useBranches } from '../react/use-branches.js';
import { Button } from './button.js';
import { namedForwardRef } from './named-forward-ref.js';

/** Accessible names of the picker and its buttons. */
export interface BranchPickerLabels {
  /** Name of the group. Default "Branches". */
  group: string;
  /** Default "Previous branch". */
  previous: string;
  /** Default "Next branch". */
  next: string;
}

export const DEFAULT_BRANCH_PICKER_LABELS: BranchPickerLabels = { group: 'Branches', previous: 'Previous branch', next: 'Next branch' };

export interface BranchPickerProps extends Omit<ComponentPropsWithoutRef<'span'>, 'children'> {
  /** The message's key (from `useThread().ids`): a user message or an agent's answer. */
  messageKey: string;
  /** Accessible names. Default: see {@link DEFAULT_BRANCH_PICKER_LABELS}. */
  labels?: Partial<BranchPickerLabels>;
  /**
   * Called with the index a button is about to show; `preventDefault()` on the click event keeps the
   * current branch. Default: none.
   */
  onSelectBranch?: (index: number, event: MouseEvent<HTMLButtonElement>) => void;
}

/**
 * Pages between the branches at one message, in this tab only (other tabs keep theirs). Renders
 * nothing while the message has a single branch. The ends are `aria-disabled`, so focus stays on the
 * button; `data-index` (0-based) and `data-count` mirror the position for styling and tests.
 *
 * @example
 * <BranchPicker messageKey={id} labels={{ group: 'Edits' }} />
 */
export const BranchPicker = namedForwardRef<HTMLSpanElement, BranchPickerProps>('BranchPicker', function BranchPicker({ messageKey, labels, onSelectBranch, ...rest }, ref) {
  const { index, count, select } = useBranches({ key: messageKey });
  if (count < 2) return null;
  const l = { ...DEFAULT_BRANCH_PICKER_LABELS, ...labels };
  // The ends stay focusable but take no clicks: selecting out of range is an error, not a no-op.
  const step = (to: number) => (e: MouseEvent<HTMLButtonElement>) => {
    onSelectBranch?.(to, e);
    if (!e.defaultPrevented) select(to);
  };
  return (
    <span ref={ref} role="group" aria-label={l.group} data-ds-branch-picker="" data-index={index} data-count={count} {...rest}>
      <Button data-part="previous" aria-label={l.previous} unavailable={index === 0} onClick={step(index - 1)}>
        ‹
      </Button>
      <span data-part="position" aria-live="polite">
        {index + 1} / {count}
      </span>
      <Button data-part="next" aria-label={l.next} unavailable={index === count - 1} onClick={step(index + 1)}>
        ›
      </Button>
    </span>
  );
});
