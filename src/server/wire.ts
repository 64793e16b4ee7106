// Ably's wire model as the local server speaks it, in either format: protocol actions and flags,
// errors, and messages and presence members in and out.
import type { WireMessage } from '../core/protocol.js';
import { BrokerError, type PresenceEntry } from '../broker/index.js';
import { wireData, type Format } from './codec.js';

/** Protocol message actions (ably-js `protocolmessagecommon.ts`). */
export const Action = {
  HEARTBEAT: 0,
  ACK: 1,
  NACK: 2,
  CONNECT: 3,
  CONNECTED: 4,
  DISCONNECT: 5,
  DISCONNECTED: 6,
  CLOSE: 7,
  CLOSED: 8,
  ERROR: 9,
  ATTACH: 10,
  ATTACHED: 11,
  DETACH: 12,
  DETACHED: 13,
  PRESENCE: 14,
  MESSAGE: 15,
  SYNC: 16,
  AUTH: 17,
} as const;

export const Flag = {
  HAS_PRESENCE: 1 << 0,
  HAS_BACKLOG: 1 << 1,
  RESUMED: 1 << 2,
  PRESENCE: 1 << 16,
  PUBLISH: 1 << 17,
  SUBSCRIBE: 1 << 18,
  PRESENCE_SUBSCRIBE: 1 << 19,
} as const;

const MESSAGE_ACTIONS = ['message.create', 'message.update', 'message.delete', 'meta', 'message.summary', 'message.append'] as const;
const PRESENCE_ACTIONS = ['absent', 'present', 'enter', 'leave', 'update'] as const;

export type PresenceWireAction = (typeof PRESENCE_ACTIONS)[number];

export interface ErrorInfoWire {
  code: number;
  statusCode: number;
  message: string;
}

export function errorInfo(e: unknown): ErrorInfoWire {
  const x = e as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof x?.code === 'number' && typeof x.statusCode === 'number') {
    return { code: x.code, statusCode: x.statusCode, message: String(x.message) };
  }
  return { code: 50000, statusCode: 500, message: e instanceof Error ? e.message : String(e) };
}

/** The channel a protocol message names; throws 40010 when it names none a client may use. */
export function channelNameOf(msg: Record<string, unknown>): string {
  const name = msg.channel;
  return checkChannelName(name);
}

/** A channel name a client may use; throws 40010 saying what to change. */
export function checkChannelName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 1024) {
    throw new BrokerError(40010, 400, 'Invalid channel name: give a non-empty string of at most 1024 characters.');
  }
  if (name.startsWith('[')) {
    throw new BrokerError(40010, 400, `Channel name qualifiers ("${name.slice(0, 40)}") are not supported by the local server: pass channel params in the channel options instead (e.g. params: { rewind: '2m' }).`);
  }
  return name;
}

/** A message as the SDK expects it on the wire in `format`. */
export function toAblyMessage(m: WireMessage & { id: string }, format: Format = 'json'): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: m.action === 'message.create' ? m.id : `${m.id}:${m.version}`,
    name: m.name,
    action: MESSAGE_ACTIONS.indexOf(m.action),
    serial: m.serial,
    version: { serial: m.version, timestamp: m.timestamp },
    timestamp: m.timestamp,
    extras: { headers: { ...m.headers } },
    ...wireData(m.data, format),
  };
  if (m.clientId !== undefined) out.clientId = m.clientId;
  if (m.connectionId !== undefined) out.connectionId = m.connectionId;
  return out;
}

/**
 * Decodes a payload's `encoding` chain into text, bytes (a Buffer) or a JSON value, as Ably does;
 * throws 40013 for an encoding the local server cannot undo (cipher, vcdiff).
 */
export function decodeData(data: unknown, encoding: unknown): unknown {
  if (encoding === undefined || encoding === null || encoding === '') return data;
  if (typeof encoding !== 'string') throw new BrokerError(40013, 400, 'Message encoding must be a string.');
  let d = data;
  for (const step of encoding.split('/').reverse()) {
    if (step === 'base64' && typeof d === 'string') d = Buffer.from(d, 'base64');
    else if (step === 'utf-8') d = Buffer.isBuffer(d) ? d.toString('utf8') : d;
    else if (step === 'json' && (typeof d === 'string' || Buffer.isBuffer(d))) {
      try {
        d = JSON.parse(d.toString());
      } catch {
        throw new BrokerError(40013, 400, 'Message data is marked json but is not valid JSON.');
      }
    } else {
      throw new BrokerError(40013, 400, `Unsupported message encoding "${step}": the local server carries text, binary and JSON; publish without a cipher in the channel options.`);
    }
  }
  return d;
}

export function messageAction(n: unknown): (typeof MESSAGE_ACTIONS)[number] | undefined {
  if (n === undefined || n === null) return 'message.create';
  return typeof n === 'number' ? MESSAGE_ACTIONS[n] : undefined;
}

export function headersOf(extras: unknown): Record<string, string> | undefined {
  if (extras === undefined || extras === null) return undefined;
  if (typeof extras !== 'object') throw new BrokerError(40013, 400, 'Message extras must be an object.');
  const h = (extras as { headers?: unknown }).headers;
  if (h === undefined) return undefined;
  if (typeof h !== 'object' || h === null || Array.isArray(h)) throw new BrokerError(40013, 400, 'extras.headers must be an object of strings.');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new BrokerError(40013, 400, `extras.headers.${k} must be a string.`);
    }
    out[k] = String(v);
  }
  return out;
}

export function presenceAction(n: unknown): PresenceWireAction | undefined {
  return typeof n === 'number' ? PRESENCE_ACTIONS[n] : undefined;
}

export function toAblyPresence(
  member: PresenceEntry,
  action: PresenceWireAction,
  id: string,
  format: Format = 'json',
  timestamp = member.timestamp,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id,
    action: PRESENCE_ACTIONS.indexOf(action),
    clientId: member.clientId,
    connectionId: member.connectionId,
    timestamp,
    ...wireData(member.data, format),
  };
  return out;
}
