// A SessionTransport over an in-process broker, for tests, Storybook and demos that need no server.
// It behaves like a network connection and can inject the faults a real network produces.
import { createBroker, type Broker, type BrokerOptions } from '../broker/index.js';
import { Listeners } from '../core/listeners.js';
import type { ConnectionChange, ConnectionStatus, SessionTransport, TransportChannel, Unsubscribe } from '../core/transport.js';
import { ChannelCache } from './channel-cache.js';
import { MemoryChannel } from './memory-channel.js';
import { SimulatedLink, type LinkFaults } from './simulated-link.js';

export interface MemoryTransportOptions {
  /** The broker shared by every client of the simulated service (see {@link createBroker}). */
  broker: Broker;
  /** This client's id. Default: a random `client-…` id. */
  clientId?: string;
  /** Delay added to every delivery and acknowledgement, in ms. Default 0 (next microtask). */
  latencyMs?: number;
  /** Fraction of live deliveries silently dropped (0–1). Default 0. */
  dropRate?: number;
  /** Fraction of live deliveries delivered twice (0–1). Default 0. */
  duplicateRate?: number;
  /** Seed for the fault schedule, so a failing run can be replayed. Default 1. */
  seed?: number;
}

export interface MemoryTransport extends SessionTransport {
  readonly connectionId: string;
  /** Drops the connection: nothing is delivered, publishes queue until {@link reconnect}. */
  disconnect(): void;
  /** Reconnects and resumes every attached channel from the last serial it received. */
  reconnect(): Promise<void>;
  /**
   * Makes the next reconnect a new connection that cannot resume, so each channel reattaches without
   * continuity and reports a discontinuity. When connected, drops and reconnects at once.
   */
  forceDiscontinuity(): Promise<void>;
  /** Changes the added latency, in ms. */
  setLatency(ms: number): void;
  /** Drops the next `n` live deliveries on every channel. */
  dropNext(n: number): void;
  /** Changes the random drop and duplicate rates. */
  setFaults(f: { dropRate?: number; duplicateRate?: number }): void;
}

let connectionCounter = 0;

class MemoryConnection implements MemoryTransport {
  readonly clientId: string;
  connectionId: string;
  status: ConnectionStatus = 'connected';
  readonly link: SimulatedLink;
  private readonly statusListeners = new Listeners<[ConnectionChange]>();
  private readonly channels = new ChannelCache((name) => new MemoryChannel(this, name));
  private pendingDiscontinuity = false;

  constructor(
    readonly broker: Broker,
    opts: MemoryTransportOptions,
  ) {
    this.clientId = opts.clientId ?? `client-${Math.random().toString(36).slice(2, 10)}`;
    this.connectionId = `mem-${++connectionCounter}`;
    this.link = new SimulatedLink(opts);
  }

  onStatus(listener: (c: ConnectionChange) => void): Unsubscribe {
    return this.statusListeners.add(listener);
  }

  channel(sessionId: string): TransportChannel {
    return this.channels.get(sessionId);
  }

  async close(): Promise<void> {
    if (this.status === 'closed') return;
    for (const ch of this.channels.values()) ch.shutdown();
    this.broker.dropConnection(this.connectionId);
    this.link.close();
    this.setStatus({ status: 'closed' });
  }

  disconnect(): void {
    if (this.status !== 'connected') return;
    this.link.pause();
    for (const ch of this.channels.values()) ch.suspend();
    this.setStatus({ status: 'disconnected' });
  }

  async reconnect(): Promise<void> {
    if (this.status === 'connected' || this.status === 'closed') return;
    this.setStatus({ status: 'resuming' });
    await this.link.tick();
    const fresh = this.pendingDiscontinuity;
    this.pendingDiscontinuity = false;
    if (fresh) {
      // A new connection: the old one's presence is gone, as when a server times it out.
      this.broker.dropConnection(this.connectionId);
      this.connectionId = `mem-${++connectionCounter}`;
    }
    this.status = 'connected';
    for (const ch of this.channels.values()) ch.resume(fresh);
    this.link.open();
    this.setStatus({ status: 'connected', resumed: !fresh });
  }

  async forceDiscontinuity(): Promise<void> {
    this.pendingDiscontinuity = true;
    if (this.status === 'connected') {
      this.disconnect();
      await this.reconnect();
    }
  }

  setLatency(ms: number): void {
    this.link.setLatency(ms);
  }

  dropNext(n: number): void {
    this.link.dropNext(n);
  }

  setFaults(f: LinkFaults): void {
    this.link.setFaults(f);
  }

  private setStatus(c: ConnectionChange): void {
    this.status = c.status;
    this.statusListeners.emit(c);
  }
}

/** Creates a memory transport: one simulated connection of one client to `broker`. */
export function createMemoryTransport(opts: MemoryTransportOptions): MemoryTransport {
  return new MemoryConnection(opts.broker, opts);
}

/**
 * The in-process service memory transports connect to, exported here because a package user needs
 * one to call {@link createMemoryTransport}: every client of one simulated service shares it.
 */
export { createBroker, type Broker, type BrokerOptions };
