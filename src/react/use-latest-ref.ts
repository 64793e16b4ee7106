/**
 * The latest value of a callback prop in a ref, so an effect that subscribes once can call whatever
 * the component rendered last: an inline arrow then neither resubscribes nor goes stale.
 */
import { useRef } from 'react';

/**
 * A ref holding `value` as of the last render. Assigned during render rather than in an effect so a
 * callback fired between render and commit already sees the new value.
 */
export function useLatestRef<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}
