// The one polling wait of the test suites: event-driven where it can be, bounded always.
// Use fake timers instead when the code under test is driven by timers of its own.

export interface UntilOptions<T> {
  /** When the value read is good enough. Default: truthy. */
  ok?: (v: T) => boolean;
  /** Give up after this long, in ms. Default 10000. */
  timeoutMs?: number;
}

/**
 * Reads `read()` after every turn of the event loop until `ok` holds, and returns that value; fails
 * with `what` and the last value read once `timeoutMs` passes.
 */
export async function until<T>(read: () => T | Promise<T>, what: string, opts: UntilOptions<T> = {}): Promise<T> {
  const ok = opts.ok ?? ((v: T) => Boolean(v));
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(v)?.slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Lets every delivery, acknowledgement and publish already queued run to the end (a few turns of
 * the event loop), so a test can assert that nothing more happens.
 */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setTimeout(r, 0));
}
