/**
 * One tab's seat in a session's presence: the data it enters with, and changes to its device label
 * or name that arrive before, during or after the enter without being lost.
 */
import type { PresenceData } from './protocol.js';
import type { TransportChannel } from './transport.js';

export class PresenceSeat {
  #data: PresenceData;
  #entered = false;

  constructor(data: PresenceData) {
    this.#data = data;
  }

  /** Enters with the current data, then sends any change made while the enter was on its way. */
  async enter(ch: TransportChannel, stillOpen: () => boolean): Promise<void> {
    const entered = this.#data;
    await ch.presence.enter(entered);
    this.#entered = true;
    if (this.#data !== entered && stillOpen()) await ch.presence.update(this.#data);
  }

  /**
   * Changes the device label or display name (an `undefined` value removes it). Returns the data to
   * send now, or undefined when nothing changed or presence was not entered yet (the enter sends it).
   */
  change(change: { device?: string | undefined; name?: string | undefined }): PresenceData | undefined {
    const next: PresenceData = { ...this.#data };
    for (const k of ['device', 'name'] as const) {
      if (!(k in change)) continue;
      const v = change[k];
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    if (next.device === this.#data.device && next.name === this.#data.name) return undefined;
    this.#data = next;
    return this.#entered ? next : undefined;
  }
}
