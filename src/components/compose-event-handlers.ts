/**
 * How every component combines a consumer's event prop with its own behaviour, so vetoing a built-in
 * action works the same way everywhere (Radix style).
 */
/**
 * Runs the consumer's handler first and ours only if they did not call `preventDefault()`, so an app
 * can veto any built-in behaviour (sending on Enter, stopping on Esc, …) from the outside.
 */
export function composeEventHandlers<E extends { defaultPrevented: boolean }>(
  theirs: ((event: E) => void) | undefined,
  ours: (event: E) => void,
): (event: E) => void {
  return (event) => {
    theirs?.(event);
    if (!event.defaultPrevented) ours(event);
  };
}
