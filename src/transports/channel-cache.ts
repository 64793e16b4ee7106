// One channel object per name for a transport: `SessionTransport.channel(name)` must return the
// same channel on every call, so listeners and attach state are never split between two copies.

export class ChannelCache<C> {
  private readonly channels = new Map<string, C>();

  constructor(private readonly create: (name: string) => C) {}

  get(name: string): C {
    let ch = this.channels.get(name);
    if (!ch) {
      ch = this.create(name);
      this.channels.set(name, ch);
    }
    return ch;
  }

  values(): IterableIterator<C> {
    return this.channels.values();
  }
}
