// Issues serials shaped like Ably's (`<14-digit ms>-<3-digit counter>@<series>:<index>`): strictly
// increasing and lexicographically sortable, even when the wall clock stalls or steps back.
export class SerialClock {
  private lastMs = 0;
  private counter = 0;

  constructor(
    private readonly series: string,
    private readonly now: () => number = Date.now,
  ) {}

  next(): string {
    let ms = Math.max(this.now(), this.lastMs);
    if (ms === this.lastMs) {
      this.counter++;
      if (this.counter > 999) {
        ms = this.lastMs + 1;
        this.counter = 0;
      }
    } else {
      this.counter = 0;
    }
    this.lastMs = ms;
    return `${String(ms).padStart(14, '0')}-${String(this.counter).padStart(3, '0')}@${this.series}:0`;
  }

  /** Moves the clock past a serial issued earlier (after loading a persisted log). */
  observe(serial: string): void {
    const m = /^(\d{14})-(\d{3})@/.exec(serial);
    if (!m) return;
    const ms = Number(m[1]);
    const c = Number(m[2]);
    if (ms > this.lastMs || (ms === this.lastMs && c > this.counter)) {
      this.lastMs = ms;
      this.counter = c;
    }
  }

  /** The time part of a serial, in ms since the epoch (NaN if it is not one of ours). */
  static timeOf(serial: string): number {
    const m = /^(\d{14})-/.exec(serial);
    return m ? Number(m[1]) : NaN;
  }
}
