/**
 * A SessionTransport over the `ably` SDK: Ably cloud, or the kit's local server. Runs in browsers and
 * Node alike (no Node built-ins here).
 *
 * Responses are Ably mutable messages: `publish` creates one, `appendMessage` grows it; history and
 * rewind return it aggregated. A channel that re-attaches without the RESUMED flag reports a
 * discontinuity, and the session backfills from `history({ untilAttach: true })`.
 */
import * as Ably from 'ably';
import { DurableSessionError, type ErrorCode } from '../core/errors.js';
import type { MessageAction, OutgoingMessage, PresenceData, WireMessage } from '../core/protocol.js';
import type {
  AttachResult,
  ConnectionChange,
  ConnectionStatus,
  HistoryPage,
  HistoryQuery,
  PresenceMember,
  SessionTransport,
  TransportChannel,
  Unsubscribe,
} from '../core/transport.js';

export type AblyTransportOptions =
  /** A client the app created (and may share); `close()` closes it. */
  | { client: Ably.Realtime }
  /**
   * Options for a client this transport creates. For the local server:
   * `{ key, endpoint: 'localhost', port, tls: false, useBinaryProtocol: false }`; in browsers add
   * `transports: ['web_socket'], disableConnectivityCheck: true`, and prefer `authUrl` to a key.
   */
  | { options: Ably.ClientOptions };

export interface AblyTransport extends SessionTransport {
  /** The underlying client, for what the kit does not wrap. */
  readonly client: Ably.Realtime;
}

const KIT_ACTIONS: ReadonlySet<string> = new Set<MessageAction>(['message.create', 'message.update', 'message.append', 'message.delete']);

function sessionError(e: unknown, what: string): DurableSessionError {
  if (e instanceof DurableSessionError) return e;
  const info = e as { code?: unknown; statusCode?: unknown; message?: unknown };
  const code = typeof info?.code === 'number' ? info.code : undefined;
  const statusCode = typeof info?.statusCode === 'number' ? info.statusCode : undefined;
  let kind: ErrorCode = 'transport';
  if (code === 40009) kind = 'oversize';
  else if (code === 40012 || code === 40160 || (code !== undefined && code >= 40100 && code < 40200) || statusCode === 401 || statusCode === 403) {
    kind = 'unauthorized';
  }
  const detail = typeof info?.message === 'string' ? info.message : String(e);
  const opts: { statusCode?: number; cause: unknown } = { cause: e };
  if (statusCode !== undefined) opts.statusCode = statusCode;
  return new DurableSessionError(kind, `${what}: ${detail}${code !== undefined ? ` (Ably error ${code})` : ''}`, opts);
}

/** An Ably message in the kit's wire model; undefined for actions the kit does not use. */
export function fromAblyMessage(m: Ably.InboundMessage): WireMessage | undefined {
  const action = m.action ?? 'message.create';
  if (!KIT_ACTIONS.has(action)) return undefined;
  const serial = m.serial ?? m.id;
  if (!serial) return undefined;
  const headers = (m.extras as { headers?: Record<string, string> } | undefined)?.headers;
  const w: WireMessage = {
    serial,
    version: m.version?.serial ?? serial,
    action: action as MessageAction,
    name: m.name ?? '',
    data: m.data,
    headers: headers && typeof headers === 'object' ? { ...headers } : {},
    timestamp: typeof m.timestamp === 'number' ? m.timestamp : 0,
  };
  if (m.clientId !== undefined) w.clientId = m.clientId;
  if (m.connectionId !== undefined) w.connectionId = m.connectionId;
  return w;
}

function toMember(p: Ably.PresenceMessage): PresenceMember {
  return { clientId: p.clientId, connectionId: p.connectionId, data: p.data };
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

class AblyChannel implements TransportChannel {
  private readonly ch: Ably.RealtimeChannel;
  private readonly listeners = new Set<(m: WireMessage) => void>();
  private readonly discontinuityListeners = new Set<() => void>();
  private readonly presenceListeners = new Set<(m: PresenceMember[]) => void>();
  private subscribed = false;
  private presenceSubscribed = false;
  /** Set once the first ATTACHED arrived; any later one without RESUMED means messages were missed. */
  private wasAttached = false;
  private presenceRound = 0;

  constructor(
    client: Ably.Realtime,
    readonly name: string,
  ) {
    this.ch = client.channels.get(name);
    this.ch.on('attached', (c) => {
      if (this.wasAttached && !c.resumed) this.discontinuity();
      this.wasAttached = true;
    });
    this.ch.on('update', (c) => {
      if (!c.resumed) this.discontinuity();
    });
    this.ch.on('detached', () => {
      this.wasAttached = false;
    });
  }

  private discontinuity(): void {
    for (const l of [...this.discontinuityListeners]) l();
  }

  private readonly onMessage = (m: Ably.InboundMessage): void => {
    const w = fromAblyMessage(m);
    if (!w) return;
    for (const l of [...this.listeners]) l(w);
  };

  async attach(): Promise<AttachResult> {
    try {
      if (!this.subscribed) {
        this.subscribed = true;
        // Registers the listener without a second attach round trip; attach() below reports the result.
        this.ch.subscribe(this.onMessage).catch(() => undefined);
      }
      const change = await this.ch.attach();
      return { resumed: change ? change.resumed : true };
    } catch (e) {
      throw sessionError(e, `Attaching to session ${this.name} failed`);
    }
  }

  async detach(): Promise<void> {
    this.ch.unsubscribe(this.onMessage);
    this.subscribed = false;
    if (this.presenceSubscribed) {
      this.ch.presence.unsubscribe(this.onPresence);
      this.presenceSubscribed = false;
    }
    try {
      await this.ch.detach();
    } catch (e) {
      throw sessionError(e, `Detaching from session ${this.name} failed`);
    }
  }

  subscribe(listener: (m: WireMessage) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onDiscontinuity(listener: () => void): Unsubscribe {
    this.discontinuityListeners.add(listener);
    return () => this.discontinuityListeners.delete(listener);
  }

  async publish(message: OutgoingMessage): Promise<{ serial: string }> {
    let result: Ably.PublishResult;
    try {
      const m: Ably.Message = { name: message.name, data: message.data, extras: { headers: { ...message.headers } } };
      if (message.id !== undefined) m.id = message.id;
      result = await this.ch.publish(m);
    } catch (e) {
      throw sessionError(e, `Publishing ${message.name} failed`);
    }
    const serial = result.serials[0];
    if (!serial) {
      throw new DurableSessionError('transport', `Publishing ${message.name} returned no serial: enable "Message annotations, updates, deletes and appends" on the channel namespace.`);
    }
    return { serial };
  }

  async append(serial: string, data: string, headers: Record<string, string>): Promise<void> {
    try {
      await this.ch.appendMessage({ serial, data, extras: { headers: { ...headers } } });
    } catch (e) {
      throw sessionError(e, 'Append failed');
    }
  }

  async history(query: HistoryQuery = {}): Promise<HistoryPage> {
    const params: { direction: 'backwards' | 'forwards'; limit: number; untilAttach?: boolean } = {
      direction: query.direction ?? 'backwards',
      limit: query.limit ?? 100,
    };
    if (query.untilAttach) params.untilAttach = true;
    try {
      return this.page(await this.ch.history(params));
    } catch (e) {
      throw sessionError(e, `History of session ${this.name} failed`);
    }
  }

  private page(r: Ably.PaginatedResult<Ably.InboundMessage>): HistoryPage {
    const items: WireMessage[] = [];
    for (const m of r.items) {
      const w = fromAblyMessage(m);
      if (w) items.push(w);
    }
    return {
      items,
      hasNext: () => r.hasNext(),
      next: async () => {
        if (!r.hasNext()) return null;
        try {
          const n = await r.next();
          return n ? this.page(n) : null;
        } catch (e) {
          throw sessionError(e, `History of session ${this.name} failed`);
        }
      },
    };
  }

  private readonly onPresence = (): void => {
    // Several changes can land together; only the newest snapshot is worth handing out.
    const round = ++this.presenceRound;
    this.ch.presence.get().then(
      (members) => {
        if (round !== this.presenceRound) return;
        const list = members.map(toMember);
        for (const l of [...this.presenceListeners]) l(list);
      },
      () => undefined,
    );
  };

  readonly presence = {
    enter: async (data: PresenceData): Promise<void> => {
      try {
        await this.ch.presence.enter(data);
      } catch (e) {
        throw sessionError(e, `Entering presence on ${this.name} failed`);
      }
    },
    update: async (data: PresenceData): Promise<void> => {
      try {
        await this.ch.presence.update(data);
      } catch (e) {
        throw sessionError(e, `Updating presence on ${this.name} failed`);
      }
    },
    leave: async (): Promise<void> => {
      try {
        await this.ch.presence.leave();
      } catch (e) {
        throw sessionError(e, `Leaving presence on ${this.name} failed`);
      }
    },
    get: async (): Promise<PresenceMember[]> => {
      try {
        return (await this.ch.presence.get()).map(toMember);
      } catch (e) {
        throw sessionError(e, `Reading presence on ${this.name} failed`);
      }
    },
    subscribe: (listener: (m: PresenceMember[]) => void): Unsubscribe => {
      this.presenceListeners.add(listener);
      if (!this.presenceSubscribed) {
        this.presenceSubscribed = true;
        this.ch.presence.subscribe(this.onPresence).catch(() => undefined);
      }
      return () => this.presenceListeners.delete(listener);
    },
  };
}

class AblySessionTransport implements AblyTransport {
  readonly client: Ably.Realtime;
  private readonly channels = new Map<string, AblyChannel>();
  private readonly statusListeners = new Set<(c: ConnectionChange) => void>();
  private everConnected = false;
  private lastConnectionId: string | undefined;

  constructor(opts: AblyTransportOptions) {
    this.client = 'client' in opts ? opts.client : new Ably.Realtime(opts.options);
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
      change.error = sessionError(c.reason, 'Connection');
    }
    for (const l of [...this.statusListeners]) l(change);
  }

  onStatus(listener: (c: ConnectionChange) => void): Unsubscribe {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  channel(sessionId: string): TransportChannel {
    let ch = this.channels.get(sessionId);
    if (!ch) {
      ch = new AblyChannel(this.client, sessionId);
      this.channels.set(sessionId, ch);
    }
    return ch;
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
 * @example
 * const transport = createAblyTransport({ options: { authUrl: '/api/ably-token', transports: ['web_socket'] } });
 */
export function createAblyTransport(opts: AblyTransportOptions): AblyTransport {
  return new AblySessionTransport(opts);
}
