import { describe, expect, it } from 'vitest';
import { delay } from '../../src/agent/index.js';

describe('delay', () => {
  it('resolves early when its signal fires, and at once when it already has', async () => {
    const c = new AbortController();
    let done = false;
    const p = delay(60_000, c.signal).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    c.abort();
    await p;
    expect(done).toBe(true);
    await delay(60_000, c.signal);
  });

  it('waits its time without a signal', async () => {
    let done = false;
    const p = delay(5).then(() => (done = true));
    expect(done).toBe(false);
    await p;
    expect(done).toBe(true);
  });
});
