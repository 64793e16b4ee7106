/** One steer as the agent's handler sees it. */
export interface Steer {
  steerId: string;
  text: string;
  clientId?: string;
}

/**
 * The steers for one turn, in arrival order. Iterate it (`for await`) to wait for steers, or call
 * {@link SteerQueue.take} between tokens to pick one up without waiting. Taking a steer acknowledges
 * it as `applied` in the session.
 */
export class SteerQueue implements AsyncIterable<Steer> {
  private readonly items: Steer[] = [];
  private waiters: ((r: IteratorResult<Steer>) => void)[] = [];
  private closed = false;

  constructor(private readonly onTake: (s: Steer) => void) {}

  /** How many steers are waiting. */
  get size(): number {
    return this.items.length;
  }

  /** @internal */
  push(s: Steer): void {
    if (this.closed) return;
    const w = this.waiters.shift();
    if (w) {
      this.onTake(s);
      w({ value: s, done: false });
    } else this.items.push(s);
  }

  /** The next waiting steer, or undefined. */
  take(): Steer | undefined {
    const s = this.items.shift();
    if (s) this.onTake(s);
    return s;
  }

  /** @internal Ends iteration; returns steers nobody took. */
  close(): Steer[] {
    this.closed = true;
    for (const w of this.waiters) w({ value: undefined, done: true });
    this.waiters = [];
    return this.items.splice(0);
  }

  [Symbol.asyncIterator](): AsyncIterator<Steer> {
    return {
      next: () => {
        const s = this.take();
        if (s) return Promise.resolve({ value: s, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.waiters.push(resolve));
      },
      return: () => Promise.resolve({ value: undefined, done: true }),
    };
  }
}
