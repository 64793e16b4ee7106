// Presence over the realtime protocol: the PRESENCE frames a client sends, the PRESENCE frame each
// change fans out to the connections attached, and the SYNC of current members after ATTACHED.
import { BrokerError, type Broker, type ChannelLog, type PresenceChange, type PresenceEntry } from '../broker/index.js';
import { can, capabilityBreach } from './capability.js';
import type { Connection } from './connection.js';
import type { Format } from './codec.js';
import type { MemberIds } from './member-ids.js';
import { Action, decodeData, presenceAction, toAblyPresence } from './wire.js';

export class PresenceFrames {
  private syncCounter = 0;
  /** The id of the client presence message being applied right now, so its broadcast carries it. */
  private applying: { channel: string; id: string } | undefined;

  constructor(
    private readonly broker: Broker,
    private readonly ids: MemberIds,
    /** The connections attached to a channel. */
    private readonly attachedTo: (channel: string) => Iterable<Connection>,
  ) {}

  /** Fans every presence change on `log` out to the connections attached to it. */
  watch(channel: string, log: ChannelLog): void {
    log.presence.subscribe((change) => this.broadcast(channel, change));
  }

  /** Applies a PRESENCE frame from `c`, all of it checked first; throws a BrokerError for what it may not send. */
  apply(c: Connection, channel: string, msg: Record<string, unknown>): void {
    if (!can(c.auth.capability, channel, 'presence')) throw capabilityBreach(channel, 'presence');
    const list = msg.presence;
    if (!Array.isArray(list)) throw new BrokerError(40000, 400, 'A PRESENCE frame needs a presence array.');
    const log = this.broker.channel(channel);
    const prepared = list.map((raw: unknown) => {
      const p = (raw ?? {}) as Record<string, unknown>;
      const action = presenceAction(p.action);
      if (action !== 'enter' && action !== 'update' && action !== 'leave' && action !== 'present') {
        throw new BrokerError(40000, 400, `Presence action ${String(p.action)} is not one a client may send.`);
      }
      const clientId = c.publisherId(p.clientId);
      if (clientId === undefined) throw new BrokerError(40012, 400, 'Presence needs a clientId: set clientId in the client options or the token.');
      return { action, clientId, data: decodeData(p.data, p.encoding) };
    });
    prepared.forEach((p, i) => {
      this.applying = { channel, id: `${c.id}:${Number(msg.msgSerial)}:${i}` };
      try {
        if (p.action === 'leave') log.presence.leave(p.clientId, c.id);
        else log.presence.enter(p.clientId, c.id, p.data);
      } finally {
        this.applying = undefined;
      }
    });
  }

  /** Sends `c` the channel's current members, as Ably's SYNC does right after ATTACHED. */
  sync(c: Connection, channel: string, members: PresenceEntry[]): void {
    if (members.length === 0) return;
    c.send({
      action: Action.SYNC,
      channel,
      channelSerial: `sync${++this.syncCounter}:`,
      presence: members.map((m) => toAblyPresence(m, 'present', this.ids.of(channel, m), c.format)),
    });
  }

  private broadcast(channel: string, change: PresenceChange): void {
    const id = this.applying?.channel === channel ? this.applying.id : this.ids.mint();
    this.ids.set(channel, change.member, change.action === 'leave' ? undefined : id);
    // Binary member data differs by format, so each format's frame is built once, when first needed.
    const frames = new Map<Format, object>();
    const frameIn = (format: Format): object => {
      let frame = frames.get(format);
      if (!frame) {
        frame = { action: Action.PRESENCE, channel, presence: [toAblyPresence(change.member, change.action, id, format)] };
        frames.set(format, frame);
      }
      return frame;
    };
    for (const c of this.attachedTo(channel)) {
      const ch = c.channels.get(channel);
      if (!ch) continue;
      if (ch.ops.has('*') || ch.ops.has('subscribe') || ch.ops.has('presence')) c.send(frameIn(c.format));
    }
  }
}
