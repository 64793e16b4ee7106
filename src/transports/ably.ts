// A SessionTransport over the `ably` SDK: Ably cloud, or the kit's local server. Runs in browsers
// and Node alike (no Node built-ins here); each session is an {@link AblyChannel}.
import * as Ably from 'ably';
import { toSessionError } from '../core/errors.js';
import { Listeners } from '../core/listeners.js';
import type { ConnectionChange, ConnectionStatus, SessionTransport, TransportChannel, Unsubscribe } from '../core/transport.js';
import { AblyChannel } from './ably-channel.js';
import { ChannelCache } from './channel-cache.js';

export { fromAblyMessage } from './ably-channel.js';

export type AblyTransportOptions =
  /** A client the app created (and may share); `close()` closes it. */
  | { client: Ably.Realtime }
  /**
   * Options for a client this transport creates. For the local server:
   * `{ key, endpoint: 'localhost', port, tls: false }`; in browsers prefer `authUrl` to a key.
   */
  | { options: Ably.ClientOptions };

export interface AblyTransport extends SessionTransport {
  /** The underlying client, for what the kit does not wrap. */
  readonly client: Ably.Realtime;
}

function statusOf(state: Ably.ConnectionState, everConnected: boolean): ConnectionStatus {
  switch (state) {
    case 'connected':
      return 'connected';
    case 'initialized':
    case 'connecting':
      return everConnected ? 'resuming' : 'connecting';
    case 'disconnected':
    case 'suspended':
      return 'disconnected';
    case 'failed':
      return 'failed';
    default:
      return 'closed';
  }
}

class AblySessionTransport implements AblyTransport {
  readonly client: Ably.Realtime;
  private readonly channels: ChannelCache<AblyChannel>;
  private readonly statusListeners = new Listeners<[ConnectionChange]>();
  private everConnected = false;
  private lastConnectionId: string | undefined;

  constructor(opts: AblyTransportOptions) {
    this.client = 'client' in opts ? opts.client : new Ably.Realtime(opts.options);
    this.channels = new ChannelCache((name) => new AblyChannel(this.client, name));
    if (this.client.connection.state === 'connected') {
      this.everConnected = true;
      this.lastConnectionId = this.client.connection.id;
    }
    this.client.connection.on((c) => this.onState(c));
  }

  get clientId(): string {
    return this.client.auth.clientId ?? '';
  }

  get status(): ConnectionStatus {
    return statusOf(this.client.connection.state, this.everConnected);
  }

  private onState(c: Ably.ConnectionStateChange): void {
    // An 'update' event (new connection details, same state) reports no change of status.
    if (c.current === c.previous) return;
    const change: ConnectionChange = { status: statusOf(c.current, this.everConnected) };
    if (c.current === 'connected') {
      const id = this.client.connection.id;
      if (this.everConnected) change.resumed = id === this.lastConnectionId;
      this.everConnected = true;
      this.lastConnectionId = id;
    }
    if (c.reason && c.current !== 'connected' && c.current !== 'closing' && c.current !== 'closed') {
      change.error = toSessionError(c.reason, 'Connection');
    }
    this.statusListeners.emit(change);
  }

  onStatus(listener: (c: ConnectionChange) => void): Unsubscribe {
    return this.statusListeners.add(listener);
  }

  channel(sessionId: string): TransportChannel {
    return this.channels.get(sessionId);
  }

  close(): Promise<void> {
    const state = this.client.connection.state;
    if (state === 'closed' || state === 'failed') return Promise.resolve();
    return new Promise((resolve) => {
      this.client.connection.once('closed', () => resolve());
      this.client.connection.once('failed', () => resolve());
      this.client.close();
    });
  }
}

/**
 * Creates a SessionTransport over an `ably` Realtime client.
 *
 * Responses are Ably mutable messages: `publish` creates one, `appendMessage` grows it; history and
 * rewind return it aggregated. A channel that re-attaches without the RESUMED flag reports a
 * discontinuity, and the session backfills from `history({ untilAttach: true })`.
 *
 * @example
 * const transport = createAblyTransport({ options: { authUrl: '/api/ably-token', transports: ['web_socket'] } });
 */
export function createAblyTransport(opts: AblyTransportOptions): AblyTransport {
  return new AblySessionTransport(opts);
}
