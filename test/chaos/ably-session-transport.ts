import type * as Ably from 'ably';
import type { MessageAction, OutgoingMessage, PresenceData, WireMessage } from '../../src/core/protocol.js';
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
} from '../../src/core/transport.js';

/**
 * A SessionTransport over a raw `ably` Realtime client, for the chaos suite: it keeps the mapping
 * as thin as possible so a fault the suite finds is a fault of the kit or the server, not of glue.
 * The kit's own `src/transports/ably.ts` replaces it once that lands.
 */
export function ablySessionTransport(client: Ably.Realtime): SessionTransport {
  const channels = new Map<string, TransportChannel>();
  const statusListeners = new Set<(c: ConnectionChange) => void>();
  let everConnected = false;
  const map = (s: Ably.ConnectionState): ConnectionStatus => {
    switch (s) {
      case 'connected':
        return 'connected';
      case 'connecting':
      case 'initialized':
        return everConnected ? 'resuming' : 'connecting';
      case 'disconnected':
      case 'suspended':
        return 'disconnected';
      case 'closing':
      case 'closed':
        return 'closed';
      default:
        return 'failed';
    }
  };
  client.connection.on((change) => {
    if (change.current === 'connected') everConnected = true;
    const c: ConnectionChange = { status: map(change.current) };
    if (change.reason) c.error = change.reason as unknown as Error;
    for (const l of [...statusListeners]) l(c);
  });
  return {
    get clientId() {
      return client.auth.clientId;
    },
    get status() {
      return map(client.connection.state);
    },
    onStatus(l) {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
    channel(name) {
      let ch = channels.get(name);
      if (!ch) {
        ch = ablyChannel(client.channels.get(name));
        channels.set(name, ch);
      }
      return ch;
    },
    async close() {
      client.close();
    },
  };
}

export function toWire(m: Ably.InboundMessage): WireMessage {
  const headers = ((m.extras as { headers?: Record<string, string> } | undefined)?.headers ?? {}) as Record<string, string>;
  const w: WireMessage = {
    serial: m.serial ?? '',
    version: m.version?.serial ?? m.serial ?? '',
    action: (m.action ?? 'message.create') as MessageAction,
    name: m.name ?? '',
    data: m.data,
    headers,
    timestamp: m.timestamp ?? 0,
  };
  if (m.clientId !== undefined) w.clientId = m.clientId;
  if (m.connectionId !== undefined) w.connectionId = m.connectionId;
  return w;
}

function page(p: Ably.PaginatedResult<Ably.InboundMessage>): HistoryPage {
  return {
    items: p.items.map(toWire),
    hasNext: () => p.hasNext(),
    next: async () => {
      const n = await p.next();
      return n ? page(n) : null;
    },
  };
}

function ablyChannel(ch: Ably.RealtimeChannel): TransportChannel {
  const discontinuity = new Set<() => void>();
  let attachedOnce = false;
  const onAttach = (change: Ably.ChannelStateChange) => {
    if (change.current !== 'attached') return;
    const lost = attachedOnce && !change.resumed;
    attachedOnce = true;
    if (lost) for (const l of [...discontinuity]) l();
  };
  ch.on('attached', onAttach);
  ch.on('update', onAttach);
  const members = async (): Promise<PresenceMember[]> =>
    (await ch.presence.get()).map((p) => ({ clientId: p.clientId, connectionId: p.connectionId, data: p.data }));
  return {
    name: ch.name,
    async attach(): Promise<AttachResult> {
      const r = await ch.attach();
      if (r) attachedOnce = true;
      return { resumed: r?.resumed ?? true };
    },
    async detach() {
      await ch.detach();
    },
    subscribe(listener) {
      const l = (m: Ably.InboundMessage) => listener(toWire(m));
      void ch.subscribe(l);
      return () => ch.unsubscribe(l);
    },
    onDiscontinuity(listener) {
      discontinuity.add(listener);
      return () => discontinuity.delete(listener);
    },
    async publish(message: OutgoingMessage) {
      const r = await ch.publish({ name: message.name, data: message.data, extras: { headers: message.headers ?? {} } });
      return { serial: r.serials[0] ?? '' };
    },
    async append(serial, data, headers) {
      await ch.appendMessage({ serial, data, extras: { headers } });
    },
    async history(q: HistoryQuery = {}) {
      const p = await ch.history({ direction: q.direction ?? 'backwards', limit: q.limit ?? 100, untilAttach: q.untilAttach ?? false });
      return page(p);
    },
    presence: {
      enter: (data: PresenceData) => ch.presence.enter(data),
      update: (data: PresenceData) => ch.presence.update(data),
      leave: () => ch.presence.leave(),
      get: members,
      subscribe(listener): Unsubscribe {
        let live = true;
        const l = () => {
          members().then(
            (m) => {
              if (live) listener(m);
            },
            () => undefined,
          );
        };
        void ch.presence.subscribe(l);
        return () => {
          live = false;
          ch.presence.unsubscribe(l);
        };
      },
    },
  };
}
