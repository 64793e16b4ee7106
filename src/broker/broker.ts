// The one broker: channel logs by name, shared by the memory transport and the local server so they
// cannot disagree about ordering, aggregation or presence.
import { Listeners } from '../core/listeners.js';
import type { Unsubscribe } from '../core/transport.js';
import { ChannelLog, type RetentionOptions } from './channel-log.js';
import type { LogEvent } from './event-log.js';

export interface BrokerOptions {
  /** Limits applied to every channel. */
  retention?: RetentionOptions;
  /** Clock, for deterministic tests. Default `Date.now`. */
  now?: () => number;
  /** Called for each committed event on any channel (the server's persistence hooks in here). */
  onEvent?: (channel: string, event: LogEvent) => void;
}

export class Broker {
  private readonly channels = new Map<string, ChannelLog>();
  private readonly listeners = new Listeners<[name: string, log: ChannelLog]>();

  constructor(private readonly opts: BrokerOptions = {}) {}

  /** The channel log for `name`, created on first use. */
  channel(name: string): ChannelLog {
    let log = this.channels.get(name);
    if (!log) {
      const o: { retention?: RetentionOptions; now?: () => number } = {};
      if (this.opts.retention) o.retention = this.opts.retention;
      if (this.opts.now) o.now = this.opts.now;
      log = new ChannelLog(name, o);
      const onEvent = this.opts.onEvent;
      if (onEvent) log.onCommit((e) => onEvent(name, e));
      this.channels.set(name, log);
      this.listeners.emit(name, log);
    }
    return log;
  }

  has(name: string): boolean {
    return this.channels.has(name);
  }

  channelNames(): string[] {
    return [...this.channels.keys()];
  }

  /** Called whenever a channel is first used. */
  onChannel(listener: (name: string, log: ChannelLog) => void): Unsubscribe {
    return this.listeners.add(listener);
  }

  /** Leaves every presence entry of a connection, on every channel. */
  dropConnection(connectionId: string): void {
    for (const log of this.channels.values()) log.presence.leaveConnection(connectionId);
  }
}

export function createBroker(opts?: BrokerOptions): Broker {
  return new Broker(opts);
}
