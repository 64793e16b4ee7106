// One session channel over an Ably RealtimeChannel: responses are Ably mutable messages (publish
// creates, appendMessage grows), and an ATTACHED without RESUMED is reported as a discontinuity.
import type * as Ably from 'ably';
import { DurableSessionError, toSessionError } from '../core/errors.js';
import { Listeners } from '../core/listeners.js';
import type { MessageAction, OutgoingMessage, PresenceData, WireMessage } from '../core/protocol.js';
import type { AttachResult, HistoryPage, HistoryQuery, PresenceMember, TransportChannel, Unsubscribe } from '../core/transport.js';

const KIT_ACTIONS: ReadonlySet<string> = new Set<MessageAction>(['message.create', 'message.update', 'message.append', 'message.delete']);

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

/** Runs an SDK call, reporting its failure as the kit's error with `context` in front. */
async function guarded<T>(context: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw toSessionError(e, context);
  }
}

export class AblyChannel implements TransportChannel {
  private readonly ch: Ably.RealtimeChannel;
  private readonly messages = new Listeners<[WireMessage]>();
  private readonly discontinuities = new Listeners<[]>();
  private readonly presenceListeners = new Listeners<[PresenceMember[]]>();
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
      if (this.wasAttached && !c.resumed) this.discontinuities.emit();
      this.wasAttached = true;
    });
    this.ch.on('update', (c) => {
      if (!c.resumed) this.discontinuities.emit();
    });
    this.ch.on('detached', () => {
      this.wasAttached = false;
    });
  }

  private readonly onMessage = (m: Ably.InboundMessage): void => {
    const w = fromAblyMessage(m);
    if (w) this.messages.emit(w);
  };

  attach(): Promise<AttachResult> {
    return guarded(`Attaching to session ${this.name} failed`, async () => {
      if (!this.subscribed) {
        this.subscribed = true;
        // Registers the listener without a second attach round trip; attach() below reports the result.
        this.ch.subscribe(this.onMessage).catch(() => undefined);
      }
      const change = await this.ch.attach();
      return { resumed: change ? change.resumed : true };
    });
  }

  async detach(): Promise<void> {
    this.ch.unsubscribe(this.onMessage);
    this.subscribed = false;
    if (this.presenceSubscribed) {
      this.ch.presence.unsubscribe(this.onPresence);
      this.presenceSubscribed = false;
    }
    await guarded(`Detaching from session ${this.name} failed`, () => this.ch.detach());
  }

  subscribe(listener: (m: WireMessage) => void): Unsubscribe {
    return this.messages.add(listener);
  }

  onDiscontinuity(listener: () => void): Unsubscribe {
    return this.discontinuities.add(listener);
  }

  async publish(message: OutgoingMessage): Promise<{ serial: string }> {
    const m: Ably.Message = { name: message.name, data: message.data, extras: { headers: { ...message.headers } } };
    if (message.id !== undefined) m.id = message.id;
    const result = await guarded(`Publishing ${message.name} failed`, () => this.ch.publish(m));
    const serial = result.serials[0];
    if (!serial) {
      throw new DurableSessionError('transport', `Publishing ${message.name} returned no serial: enable "Message annotations, updates, deletes and appends" on the channel namespace.`);
    }
    return { serial };
  }

  async append(serial: string, data: string, headers: Record<string, string>): Promise<void> {
    await guarded('Append failed', () => this.ch.appendMessage({ serial, data, extras: { headers: { ...headers } } }));
  }

  history(query: HistoryQuery = {}): Promise<HistoryPage> {
    const params: { direction: 'backwards' | 'forwards'; limit: number; untilAttach?: boolean } = {
      direction: query.direction ?? 'backwards',
      limit: query.limit ?? 100,
    };
    if (query.untilAttach) params.untilAttach = true;
    return guarded(`History of session ${this.name} failed`, async () => this.page(await this.ch.history(params)));
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
        const n = await guarded(`History of session ${this.name} failed`, () => r.next());
        return n ? this.page(n) : null;
      },
    };
  }

  private readonly onPresence = (): void => {
    // Several changes can land together; only the newest snapshot is worth handing out.
    const round = ++this.presenceRound;
    this.ch.presence.get().then(
      (members) => {
        if (round === this.presenceRound) this.presenceListeners.emit(members.map(toMember));
      },
      () => undefined,
    );
  };

  readonly presence = {
    enter: (data: PresenceData): Promise<void> => guarded(`Entering presence on ${this.name} failed`, () => this.ch.presence.enter(data)),
    update: (data: PresenceData): Promise<void> => guarded(`Updating presence on ${this.name} failed`, () => this.ch.presence.update(data)),
    leave: (): Promise<void> => guarded(`Leaving presence on ${this.name} failed`, () => this.ch.presence.leave()),
    get: async (): Promise<PresenceMember[]> => (await guarded(`Reading presence on ${this.name} failed`, () => this.ch.presence.get())).map(toMember),
    subscribe: (listener: (m: PresenceMember[]) => void): Unsubscribe => {
      const unsubscribe = this.presenceListeners.add(listener);
      if (!this.presenceSubscribed) {
        this.presenceSubscribed = true;
        this.ch.presence.subscribe(this.onPresence).catch(() => undefined);
      }
      return unsubscribe;
    },
  };
}
