// Binary search over items sorted by serial: how many come at or before a serial. The event log
// and the message store both answer "where does this serial fall" with it.

export function countAtOrBelow<T>(items: readonly T[], serialOf: (item: T) => string, serial: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (serialOf(items[mid]) <= serial) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
