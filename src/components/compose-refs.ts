/**
 * One ref callback that fills two refs, so a component can keep its own ref to its outer element and
 * still forward that element to the consumer.
 */
import { useCallback, type Ref } from 'react';

function assign<T>(ref: Ref<T> | undefined, value: T | null): void {
  if (typeof ref === 'function') ref(value);
  else if (ref) (ref as { current: T | null }).current = value;
}

/** A ref callback setting both refs (function or object refs; an undefined one is skipped). */
export function useComposedRefs<T>(own: Ref<T> | undefined, forwarded: Ref<T> | undefined): (value: T | null) => void {
  return useCallback(
    (value: T | null) => {
      assign(own, value);
      assign(forwarded, value);
    },
    [own, forwarded],
  );
}
