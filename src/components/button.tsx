/**
 * `Button`: the kit's own inner buttons (approve, branch steps, retry, remove, …). They never submit
 * the form around them, and an unavailable one stays focusable — `aria-disabled`, not `disabled`, so
 * keyboard focus is not dropped where it stood — but ignores clicks.
 */
import type { ComponentPropsWithoutRef, ReactNode } from 'react';

export interface ButtonProps extends ComponentPropsWithoutRef<'button'> {
  /** Marks it `aria-disabled` and drops clicks. Default: no `aria-disabled` at all. */
  unavailable?: boolean;
}

export function Button({ unavailable, onClick, ...rest }: ButtonProps): ReactNode {
  return <button type="button" aria-disabled={unavailable} {...rest} onClick={unavailable ? undefined : onClick} />;
}
