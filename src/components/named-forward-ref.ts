/**
 * How every public part is declared: `forwardRef` plus the `displayName` React DevTools and warnings
 * show, which a minified build would otherwise lose with the function's name.
 */
import { forwardRef, type ForwardRefExoticComponent, type ForwardRefRenderFunction, type PropsWithoutRef, type RefAttributes } from 'react';

/** `forwardRef(render)` with `displayName` set to `name`. */
export function namedForwardRef<T, P = {}>(name: string, render: ForwardRefRenderFunction<T, PropsWithoutRef<P>>): ForwardRefExoticComponent<PropsWithoutRef<P> & RefAttributes<T>> {
  const component = forwardRef(render);
  component.displayName = name;
  return component;
}
