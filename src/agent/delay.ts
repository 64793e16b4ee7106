/**
 * Waits `ms`, or less if `signal` fires first — a pause inside a turn handler (pacing, retries)
 * must never hold a cancelled turn open. Resolves either way; check `signal.aborted` after.
 *
 * @example
 * await delay(50, turn.signal);
 * if (turn.signal.aborted) return;
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done);
  });
}
