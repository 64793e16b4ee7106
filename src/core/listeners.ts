/**
 * The one listener registry of the kit: transports, controllers and agents hand events to a set of
 * callbacks, and a callback that unsubscribes (or subscribes another) mid-emit must not skip anyone.
 */
import type { Unsubscribe } from './transport.js';

export class Listeners<A extends unknown[]> {
  readonly #set = new Set<(...args: A) => void>();

  add(listener: (...args: A) => void): Unsubscribe {
    this.#set.add(listener);
    return () => {
      this.#set.delete(listener);
    };
  }

  /** Calls every listener registered when the emit began. */
  emit(...args: A): void {
    for (const l of [...this.#set]) l(...args);
  }

  /** Like {@link emit}, but a listener that throws does not stop the others. */
  emitSafely(...args: A): void {
    for (const l of [...this.#set]) {
      try {
        l(...args);
      } catch {
        // One broken listener must not break delivery to the rest.
      }
    }
  }

  get size(): number {
    return this.#set.size;
  }

  clear(): void {
    this.#set.clear();
  }
}
