/**
 * A value that may be controlled (`value` + `onValueChange`) or uncontrolled (`defaultValue`), Radix
 * style: one setter for both, which always reports the change. The text of a message box, whether a
 * disclosure is open.
 */
import { useCallback, useState } from 'react';
import { useLatestRef } from '../react/use-latest-ref.js';

export interface ControllableState<T> {
  /** The value to render: the prop when controlled, our own state otherwise. */
  value: T;
  /**
   * Changes the value (or asks the owner to, when controlled). A function gets the newest value
   * rendered, so an update that lands after an await still sees what the user typed meanwhile.
   */
  setValue: (next: T | ((current: T) => T)) => void;
}

// Not for function values: a function passed to the setter is an updater.
export function useControllableState<T extends string | boolean>(prop: T | undefined, defaultValue: T, onChange: ((value: T) => void) | undefined): ControllableState<T> {
  const [own, setOwn] = useState(defaultValue);
  const controlled = prop !== undefined;
  const value = controlled ? prop : own;
  const latest = useLatestRef({ value, controlled, onChange });
  const setValue = useCallback((next: T | ((current: T) => T)) => {
    const l = latest.current;
    const v = typeof next === 'function' ? next(l.value) : next;
    if (v === l.value) return;
    // Recorded now, so a second update before the next render builds on this one.
    l.value = v;
    if (!l.controlled) setOwn(v);
    l.onChange?.(v);
  }, [latest]);
  return { value, setValue };
}
