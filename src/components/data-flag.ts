/**
 * How the parts expose a yes/no state for styling: a data attribute that is present (and empty) or
 * absent, so CSS matches it with `[data-busy]` rather than a value.
 */

/** `''` (attribute present) when `on` is truthy, else `undefined` (attribute left out). */
export const dataFlag = (on: unknown): '' | undefined => (on ? '' : undefined);
