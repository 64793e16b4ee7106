// Publishing, over a MESSAGE frame or REST: every message checked against the publisher's capability
// and identity first, then created, appended (with the policy's offset precondition) or updated.
import { BrokerError, type AppendInput, type Broker, type ChannelLog, type CreateInput, type Origin } from '../broker/index.js';
import type { WirePolicy } from '../core/wire-policy.js';
import { can, capabilityBreach } from './capability.js';
import type { AuthContext } from './key-store.js';
import { decodeData, headersOf, messageAction } from './wire.js';

/** What decides who may publish what, and how an append says where it starts. */
export interface PublishRules {
  /** Message names that need the `privileged-headers` capability. */
  agentOnlyNames: ReadonlySet<string>;
  policy: Pick<WirePolicy, 'appendPrecondition'>;
}

/** Who publishes: a realtime connection, or a REST request (which has no connection id). */
export interface Publisher {
  readonly id?: string;
  readonly auth: AuthContext;
  /** The client id a message is published as; throws 40012 for a claim the publisher may not make. */
  publisherId(claimed: unknown): string | undefined;
}

interface Prepared {
  m: Record<string, unknown>;
  action: 'message.create' | 'message.append' | 'message.update';
  clientId: string | undefined;
  data: unknown;
  headers: Record<string, string> | undefined;
}

/** Checks one message of a frame from `c` on `channel`; throws the BrokerError that refuses it. */
function prepare(c: Publisher, channel: string, log: ChannelLog, raw: unknown, rules: PublishRules): Prepared {
  if (typeof raw !== 'object' || raw === null) throw new BrokerError(40000, 400, 'Each message must be an object.');
  const m = raw as Record<string, unknown>;
  const action = messageAction(m.action);
  const clientId = c.publisherId(m.clientId);
  const data = decodeData(m.data, m.encoding);
  const headers = headersOf(m.extras);
  const cap = c.auth.capability;
  const name = action === 'message.create' ? m.name : log.get(typeof m.serial === 'string' ? m.serial : '')?.name;
  if (typeof name === 'string' && rules.agentOnlyNames.has(name) && !can(cap, channel, 'privileged-headers')) {
    throw capabilityBreach(channel, 'privileged-headers');
  }
  if (action === 'message.create') {
    if (!can(cap, channel, 'publish')) throw capabilityBreach(channel, 'publish');
  } else if (action === 'message.append' || action === 'message.update') {
    if (typeof m.serial !== 'string' || m.serial === '') throw new BrokerError(40003, 400, `${action} needs the serial of the message it changes.`);
    const target = log.get(m.serial);
    const own = target !== undefined && target.clientId !== undefined && target.clientId === clientId;
    if (!can(cap, channel, 'message-update-any') && !(own && can(cap, channel, 'message-update-own'))) {
      throw capabilityBreach(channel, own ? 'message-update-own' : 'message-update-any');
    }
  } else {
    throw new BrokerError(40000, 400, `Message action ${String(m.action)} is not supported by the local server; use create, update or append.`);
  }
  return { m, action, clientId, data, headers };
}

/** Commits one checked message; returns its serial (a create) or version serial (an append or update). */
function apply(c: Publisher, log: ChannelLog, p: Prepared, rules: PublishRules): string {
  const origin: Origin = {};
  if (c.id !== undefined) origin.connectionId = c.id;
  if (p.clientId !== undefined) origin.clientId = p.clientId;
  if (p.action === 'message.create') {
    const input: CreateInput = { name: typeof p.m.name === 'string' ? p.m.name : '', data: p.data };
    if (p.headers) input.headers = p.headers;
    if (typeof p.m.id === 'string' && p.m.id !== '') input.id = p.m.id;
    return log.create(input, origin);
  }
  if (p.action === 'message.append') {
    if (typeof p.data !== 'string') throw new BrokerError(40003, 400, 'Append data must be a string.');
    const input: AppendInput = { data: p.data };
    if (p.headers) input.headers = p.headers;
    const precondition = rules.policy.appendPrecondition(p.headers);
    if (precondition) input.precondition = precondition;
    return log.append(p.m.serial as string, input, origin);
  }
  return log.update(p.m.serial as string, p.data, p.headers, origin);
}

/** Applies a MESSAGE frame (or REST batch) from `c` to `channel`, every message checked before any is committed; returns their serials. */
export function publishMessages(c: Publisher, channel: string, broker: Broker, msg: Record<string, unknown>, rules: PublishRules): string[] {
  const messages = msg.messages;
  if (!Array.isArray(messages) || messages.length === 0) throw new BrokerError(40000, 400, 'A publish needs a non-empty array of messages.');
  const log = broker.channel(channel);
  const prepared = messages.map((raw: unknown) => prepare(c, channel, log, raw, rules));
  return prepared.map((p) => apply(c, log, p, rules));
}
