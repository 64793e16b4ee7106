/**
 * Bounded memory of recently seen keys: what agents, servers and transports use to refuse a second
 * copy of a control, an ack or a turn without growing forever.
 */

/** A set that forgets its oldest key once it holds more than `max`. */
export class RecentSet<K> {
  private readonly keys = new Set<K>();
  constructor(private readonly max: number) {}

  has(key: K): boolean {
    return this.keys.has(key);
  }

  /** Adds `key`; returns false when it was already there. */
  add(key: K): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value as K);
    return true;
  }

  get size(): number {
    return this.keys.size;
  }
}

/** A map that forgets its oldest entry once it holds more than `max`. */
export class RecentMap<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }

  get size(): number {
    return this.entries.size;
  }
}
