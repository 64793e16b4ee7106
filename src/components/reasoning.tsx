/**
 * `Reasoning`: what an agent thought before answering, collapsed by default — "Thinking…" while it
 * streams, "Thought for 4 s" once done.
 */
import type { ComponentPropsWithoutRef, ReactNode } from 'react';
import type { ReasoningPart } from '../core/parts.js';
import { composeEventHandlers } from './compose-event-handlers.js';
import { namedForwardRef } from './named-forward-ref.js';
import { useControllableState } from './use-controllable-state.js';

type ToggleEvent = Parameters<NonNullable<ComponentPropsWithoutRef<'details'>['onToggle']>>[0];

export interface ReasoningProps extends Omit<ComponentPropsWithoutRef<'details'>, 'children' | 'open' | 'part'> {
  /** The reasoning part to show. */
  part: Pick<ReasoningPart, 'text' | 'state' | 'durationMs'>;
  /** Whether it is expanded, for controlled use (with `onOpenChange`). Default: uncontrolled. */
  open?: boolean;
  /** Whether it starts expanded when uncontrolled. Default false. */
  defaultOpen?: boolean;
  /** Called when the reader expands or collapses it. Default: none. */
  onOpenChange?: (open: boolean) => void;
  /** The summary line. Default "Thinking…" while streaming, "Thought for N s" when done. */
  formatSummary?: (part: Pick<ReasoningPart, 'state' | 'durationMs'>) => ReactNode;
}

function defaultSummary(p: Pick<ReasoningPart, 'state' | 'durationMs'>): ReactNode {
  if (p.state === 'streaming') return 'Thinking…';
  if (p.durationMs === undefined) return 'Thought';
  return `Thought for ${Math.max(1, Math.round(p.durationMs / 1000))} s`;
}

/**
 * A disclosure (a native `<details>`, so Enter and Space toggle it) holding the agent's reasoning as
 * plain text. `data-state` is `streaming` | `done`.
 *
 * @example
 * <Reasoning part={part} formatSummary={(p) => (p.state === 'done' ? 'Reasoned' : 'Reasoning…')} />
 */
export const Reasoning = namedForwardRef<HTMLDetailsElement, ReasoningProps>('Reasoning', function Reasoning(
  { part, open: openProp, defaultOpen = false, onOpenChange, formatSummary = defaultSummary, onToggle, ...rest },
  ref,
) {
  const { value: open, setValue: setOpen } = useControllableState(openProp, defaultOpen, onOpenChange);
  const handleToggle = composeEventHandlers<ToggleEvent>(onToggle, (e) => setOpen(e.currentTarget.open));
  return (
    <details ref={ref} data-ds-reasoning="" data-state={part.state} open={open} {...rest} onToggle={handleToggle}>
      <summary data-part="summary">{formatSummary(part)}</summary>
      <div data-part="content">{part.text}</div>
    </details>
  );
});
