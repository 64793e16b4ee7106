/**
 * The one store binding of the React layer: `useSyncExternalStore` over a selector, keeping the
 * previous reference when the slice did not change. Internal; hooks and components build on it.
 */
import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { SessionState } from '../core/session-state.js';
import type { SessionController } from '../core/session-controller.js';

/**
 * Subscribes to one slice of the session store. The slice is recomputed only when the store changes
 * or `key` changes, and a result `isEqual` to the previous one keeps the previous reference — so a
 * token in one response does not re-render components that read anything else.
 */
export function useSessionSelector<T>(
  ctrl: SessionController,
  selector: (s: SessionState) => T,
  key: string = '',
  isEqual: (a: T, b: T) => boolean = Object.is,
): T {
  const cache = useRef<{ state: SessionState; key: string; value: T } | null>(null);
  const selectorRef = useRef(selector);
  selectorRef.current = selector;
  const subscribe = useCallback((cb: () => void) => ctrl.store.subscribe(cb), [ctrl]);
  const getSnapshot = () => {
    const state = ctrl.store.getState();
    const c = cache.current;
    if (c && c.state === state && c.key === key) return c.value;
    const value = selectorRef.current(state);
    if (c && c.key === key && isEqual(c.value, value)) {
      cache.current = { state, key, value: c.value };
      return c.value;
    }
    cache.current = { state, key, value };
    return value;
  };
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}

/** Element-wise reference equality for arrays. */
export function shallowArrayEqual<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Shallow equality for plain objects. */
export function shallowObjectEqual<T extends object>(a: T, b: T): boolean {
  if (a === b) return true;
  const ka = Object.keys(a) as (keyof T)[];
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.is(a[k], b[k])) return false;
  return true;
}
