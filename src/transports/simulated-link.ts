// The network between a memory transport and its broker: latency that keeps frames in order, drop
// and duplicate faults on live deliveries, and an outbox that holds work while disconnected.
import { DurableSessionError } from '../core/errors.js';
import { seededRandom } from '../core/random.js';

export interface LinkFaults {
  /** Fraction of live deliveries silently dropped (0–1). */
  dropRate?: number;
  /** Fraction of live deliveries delivered twice (0–1). */
  duplicateRate?: number;
}

type LinkState = 'up' | 'down' | 'closed';

export class SimulatedLink {
  private state: LinkState = 'up';
  private latency: number;
  private dropRate: number;
  private duplicateRate: number;
  private dropBudget = 0;
  private readonly random: () => number;
  /** Frames waiting out the latency, oldest first. */
  private readonly inflight: { due: number; fn: () => void }[] = [];
  private pump: ReturnType<typeof setTimeout> | null = null;
  /** Work queued while down, run in order when the link comes up. */
  private outbox: (() => void)[] = [];

  constructor(opts: LinkFaults & { latencyMs?: number; seed?: number }) {
    this.latency = opts.latencyMs ?? 0;
    this.dropRate = opts.dropRate ?? 0;
    this.duplicateRate = opts.duplicateRate ?? 0;
    this.random = seededRandom(opts.seed ?? 1);
  }

  get up(): boolean {
    return this.state === 'up';
  }

  setLatency(ms: number): void {
    this.latency = Math.max(0, ms);
  }

  dropNext(n: number): void {
    this.dropBudget += Math.max(0, n);
  }

  setFaults(f: LinkFaults): void {
    if (f.dropRate !== undefined) this.dropRate = f.dropRate;
    if (f.duplicateRate !== undefined) this.duplicateRate = f.duplicateRate;
  }

  /** Goes down: work waits in the outbox until {@link open}. */
  pause(): void {
    this.state = 'down';
  }

  /** Comes up and runs what was queued while down, oldest first. */
  open(): void {
    this.state = 'up';
    const queued = this.outbox;
    this.outbox = [];
    for (const run of queued) run();
  }

  /** Closes for good; queued work is abandoned. */
  close(): void {
    this.state = 'closed';
    this.outbox = [];
  }

  /**
   * Runs `fn` after the simulated delay, preserving order: like a real connection, a lower latency
   * never lets a later frame overtake one still in flight.
   */
  later(fn: () => void): void {
    if (this.latency <= 0 && this.inflight.length === 0) {
      queueMicrotask(fn);
      return;
    }
    const last = this.inflight[this.inflight.length - 1];
    this.inflight.push({ due: Math.max(Date.now() + this.latency, last ? last.due : 0), fn });
    if (!this.pump) this.schedulePump();
  }

  /** Resolves after one trip over the link. */
  tick(): Promise<void> {
    return new Promise((resolve) => this.later(resolve));
  }

  /** Runs `fn` now when up, else when the link comes up; the result arrives after one trip. */
  whenUp<T>(fn: () => T): Promise<T> {
    if (this.state === 'closed') {
      return Promise.reject(new DurableSessionError('invalid_state', 'The transport is closed; create a new one to reconnect.'));
    }
    return new Promise<T>((resolve, reject) => {
      const run = () => {
        try {
          const v = fn();
          this.later(() => resolve(v));
        } catch (e) {
          this.later(() => reject(e));
        }
      };
      if (this.up) run();
      else this.outbox.push(run);
    });
  }

  /** Decides the fate of one live delivery: how many copies arrive (0 = dropped). */
  copies(): number {
    if (this.dropBudget > 0) {
      this.dropBudget--;
      return 0;
    }
    if (this.dropRate > 0 && this.random() < this.dropRate) return 0;
    if (this.duplicateRate > 0 && this.random() < this.duplicateRate) return 2;
    return 1;
  }

  private schedulePump(): void {
    const head = this.inflight[0];
    if (!head) return;
    this.pump = setTimeout(() => {
      const now = Date.now();
      // `pump` stays set while frames run, so a frame that sends another cannot start a second timer.
      let frame = this.inflight.shift();
      while (frame) {
        try {
          frame.fn();
        } catch (e) {
          // Surface a listener's error as the microtask path would, without stalling later frames.
          queueMicrotask(() => {
            throw e;
          });
        }
        frame = this.inflight.length > 0 && this.inflight[0].due <= now ? this.inflight.shift() : undefined;
      }
      this.pump = null;
      this.schedulePump();
    }, Math.max(0, head.due - Date.now()));
  }
}
