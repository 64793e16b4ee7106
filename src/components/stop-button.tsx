/**
 * `StopButton`: publishes an explicit cancel for the running turn, shows `idle → stopping → stopped`,
 * and takes Esc while focus is in the chat.
 */
import { useEffect, useRef, type ComponentPropsWithoutRef, type MouseEvent, type ReactNode } from 'react';
import type { ControlTarget } from '../core/protocol.js';
import type { ControlResult } from '../core/session-controller.js';
import { useLatestRef } from '../react/use-latest-ref.js';
import { useStopButton, type StopState } from '../react/use-stop-button.js';
import { composeEventHandlers } from './compose-event-handlers.js';
import { useComposedRefs } from './compose-refs.js';
import { dataFlag } from './data-flag.js';
import { namedForwardRef } from './named-forward-ref.js';

/** The element whose descendants' key presses the shortcut listens to. */
export const CHAT_SCOPE_SELECTOR = '[data-ds-chat]';

export interface StopButtonProps extends Omit<ComponentPropsWithoutRef<'button'>, 'children'> {
  /** What to stop. Default: the latest turn, pending or streaming — so stop works before the first token. */
  target?: ControlTarget;
  /** How long the button says "Stopped" after the agent acknowledged, in ms. Default 1500. */
  stoppedMs?: number;
  /**
   * Key (a `KeyboardEvent.key`) that stops while focus is inside the chat (the closest
   * `[data-ds-chat]`, or the button's parent when used alone); `false` turns it off. Only taken while
   * there is something to stop, so Esc keeps its other meanings otherwise. Default `'Escape'`.
   */
  shortcut?: string | false;
  /** The label, or a function of the state. Default: "Stop" / "Stopping…" / "Stopped". */
  children?: ReactNode | ((state: StopState) => ReactNode);
  /** Called with the publish result after a stop was sent. Default: none. */
  onStop?: (result: ControlResult | undefined) => void;
}

const LABELS: Record<StopState, string> = { idle: 'Stop', stopping: 'Stopping…', stopped: 'Stopped' };

/**
 * Publishes an explicit cancel for the running turn. `data-state` goes `idle` → `stopping` (cancel
 * sent) → `stopped` (the agent ended the response `cancelled`) → `idle`. Stays focusable while
 * unavailable (`aria-disabled`) so keyboard focus is never dropped mid-stream.
 *
 * @example
 * <StopButton>{(state) => (state === 'stopping' ? 'Stopping…' : 'Stop')}</StopButton>
 */
export const StopButton = namedForwardRef<HTMLButtonElement, StopButtonProps>('StopButton', function StopButton({ target, stoppedMs, shortcut = 'Escape', children, onStop, onClick, ...rest }, forwarded) {
  const { state, canStop, stop } = useStopButton({ target, stoppedMs });
  const ref = useRef<HTMLButtonElement>(null);
  const refs = useComposedRefs(ref, forwarded);
  // The keyboard listener lives as long as the scope element; it reads the latest action from here.
  const latest = useLatestRef({ canStop, run: () => void stop().then((r) => onStop?.(r)) });

  useEffect(() => {
    const button = ref.current;
    if (!shortcut || !button) return;
    const scope: HTMLElement | null = button.closest<HTMLElement>(CHAT_SCOPE_SELECTOR) ?? button.parentElement;
    if (!scope) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== shortcut || e.defaultPrevented || e.isComposing || !latest.current.canStop) return;
      e.preventDefault();
      latest.current.run();
    };
    scope.addEventListener('keydown', onKeyDown);
    return () => scope.removeEventListener('keydown', onKeyDown);
  }, [shortcut, latest]);

  const handleClick = composeEventHandlers<MouseEvent<HTMLButtonElement>>(onClick, () => {
    if (canStop) latest.current.run();
  });

  return (
    <button
      ref={refs}
      type="button"
      data-ds-stop-button=""
      data-state={state}
      data-disabled={dataFlag(!canStop)}
      aria-disabled={!canStop}
      aria-keyshortcuts={shortcut || undefined}
      {...rest}
      onClick={handleClick}
    >
      {typeof children === 'function' ? children(state) : (children ?? LABELS[state])}
    </button>
  );
});
