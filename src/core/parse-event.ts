/**
 * Validation of untrusted channel messages into typed events: never throws, and turns anything a
 * version of the kit does not accept into a typed `malformed_event` or `unknown_event` error.
 */
import { DurableSessionError } from './errors.js';
import type { Attachment } from './parts.js';
import { parseBody, segmentsText } from './response-body.js';
import { choice, fail, fields, FILE_FIELDS, id, Invalid, isRecord, notInherited, opt, optId, reasonText, text, TooLarge, upTo, url, type FieldCheck } from './validate.js';
import {
  EventName,
  Header,
  Limits,
  RESPONSE_STATUSES,
  type AgentResponseEvent,
  type ControlTarget,
  type EventBase,
  type MessageAction,
  type PresenceData,
  type SessionEvent,
  type UserMessageEvent,
  type WireMessage,
} from './protocol.js';

export type ParseResult = { ok: true; event: SessionEvent } | { ok: false; error: DurableSessionError };

const ACTIONS: readonly MessageAction[] = ['message.create', 'message.update', 'message.append', 'message.delete'];

const input = upTo(Limits.maxInputChars);
const bool: FieldCheck = (v, f) => (typeof v === 'boolean' ? v : fail(`${f} must be true or false`));
const claimKey: FieldCheck = (v, f) => {
  const k = text(v, f, 300);
  return /^(response|retry):[A-Za-z0-9._:@~-]+$/.test(k) ? k : fail(`${f} must be response:<id> or retry:<id>`);
};

/** Validates the files attached to a user message. */
export function parseAttachments(v: unknown): Attachment[] {
  if (!Array.isArray(v)) fail('attachments must be an array');
  if (v.length > Limits.maxAttachments) throw new TooLarge(`a message has ${v.length} attachments; the limit is ${Limits.maxAttachments}`);
  return v.map((a, i) => {
    if (!isRecord(a) || a.type !== 'file') fail(`attachments[${i}] must be { type: 'file', mediaType, url, name? }`);
    // Unlike a file part's, an attachment's URL may not be relative to the page (`./x`).
    return { type: 'file', ...fields<Omit<Attachment, 'type'>>(a, 'attachment', { ...FILE_FIELDS, url: url(false) }, `attachments[${i}].`) };
  });
}

/** Validates the app data sent with a user message. */
export function parseMetadata(v: unknown): Record<string, unknown> {
  if (!isRecord(v)) fail('metadata must be an object');
  const size = JSON.stringify(v).length;
  if (size > Limits.maxMetadataChars) throw new TooLarge(`metadata is ${size} characters serialised; the limit is ${Limits.maxMetadataChars}`);
  return v;
}

/** The id field each kind of control target names. */
const TARGET_IDS = { response: 'responseId', turn: 'turnId', agent: 'agentId' } as const;

/** Validates a control target from untrusted data. */
export function parseTarget(v: unknown): ControlTarget {
  if (!isRecord(v)) fail('target must be an object');
  const kind = v.kind as keyof typeof TARGET_IDS;
  if (kind === ('all' as string)) return { kind: 'all' };
  if (!Object.hasOwn(TARGET_IDS, kind)) fail('target.kind must be response, turn, agent or all');
  const key = TARGET_IDS[kind];
  return { kind, [key]: id(v[key], `target.${key}`) } as ControlTarget;
}

/** A check for each field of an event's data. */
type DataFields<E, Skip = never> = { [F in Exclude<keyof E, keyof EventBase | 'type' | Skip>]-?: FieldCheck };

/** A user message's data; its turn id travels in a header. */
const USER_MESSAGE: DataFields<UserMessageEvent, 'turnId'> = {
  text: input,
  attachments: opt(parseAttachments),
  metadata: opt(parseMetadata),
  parent: (v, f) => (v === null ? null : optId(v, f)),
  edits: optId,
};

type DataEvent = Exclude<SessionEvent, UserMessageEvent | AgentResponseEvent>;

/** The data of every other event, field by field: one table instead of a parser each. */
const DATA: { [E in DataEvent as E['type']]: DataFields<E> } = {
  'control.cancel': { controlId: id, target: parseTarget, reason: reasonText },
  'control.steer': { steerId: id, text: input, target: parseTarget },
  'control.steer-ack': { steerId: id, agentId: id, status: choice(['received', 'applied', 'rejected']), responseId: optId, reason: reasonText },
  'agent.status': { agentId: id, state: choice(['idle', 'thinking', 'streaming', 'offline']), turnId: optId },
  'control.approval': { decisionId: id, responseId: id, toolCallId: id, approved: bool, reason: reasonText },
  'control.retry': { retryId: id, turnId: id, agentId: id, responseId: id, mode: choice(['retry', 'regenerate']) },
  'agent.claim': { claimId: id, key: claimKey, agentId: id, instance: id },
};

function base(m: WireMessage): EventBase {
  for (const k of ['serial', 'version'] as const) if (typeof m[k] !== 'string' || m[k].length === 0) fail(`${k} must be a non-empty string`);
  const b: EventBase = {
    serial: notInherited(m.serial, 'serial'),
    version: m.version,
    action: choice(ACTIONS)(m.action, 'action'),
    timestamp: typeof m.timestamp === 'number' && Number.isFinite(m.timestamp) ? m.timestamp : 0,
  };
  if (typeof m.clientId === 'string') b.clientId = m.clientId;
  if (typeof m.connectionId === 'string') b.connectionId = m.connectionId;
  return b;
}

function headersOf(m: WireMessage): Record<string, string> {
  const h = m.headers ?? {};
  return isRecord(h) ? (h as Record<string, string>) : fail('headers must be an object of strings');
}

function parseResponse(b: EventBase, h: Record<string, string>, d: unknown): AgentResponseEvent {
  const header = (name: string) => id(h[name], name);
  const status = choice(RESPONSE_STATUSES)(h[Header.Status], Header.Status);
  let offset = 0;
  if (b.action === 'message.append') {
    const raw = h[Header.Offset];
    if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) fail(`${Header.Offset} must be a decimal integer on an append`);
    offset = Number(raw);
  }
  const body = d === undefined || d === null ? '' : text(d, 'data', Limits.maxResponseChars);
  const segments = parseBody(body);
  const ev: AgentResponseEvent = {
    ...b,
    type: 'agent.response',
    responseId: header(Header.Response),
    agentId: header(Header.Agent),
    turnId: header(Header.Turn),
    status,
    offset,
    text: segmentsText(segments),
    segments,
    size: body.length,
  };
  const err = reasonText(h[Header.Error], Header.Error);
  if (err !== undefined) ev.error = err;
  if (h[Header.Instance] !== undefined) ev.instance = header(Header.Instance);
  return ev;
}

function parseInner(m: WireMessage): SessionEvent {
  if (!isRecord(m)) fail('message must be an object');
  const b = base(m);
  const h = headersOf(m);
  const name = m.name as DataEvent['type'];
  if (name === (EventName.AgentResponse as string)) return parseResponse(b, h, m.data);
  if (name === (EventName.UserMessage as string)) {
    return { ...b, type: 'user.message', turnId: id(h[Header.Turn], Header.Turn), ...fields<Pick<UserMessageEvent, 'text'>>(m.data, 'user.message data', USER_MESSAGE) };
  }
  if (!Object.hasOwn(DATA, name)) {
    throw new DurableSessionError('unknown_event', `Unknown event name ${JSON.stringify(String(name)).slice(0, 80)}; expected one of ${Object.values(EventName).join(', ')}.`, { serial: m.serial });
  }
  return { ...b, type: name, ...fields<object>(m.data, `${name} data`, DATA[name]) } as SessionEvent;
}

/**
 * Validates one untrusted channel message. Never throws: returns the typed event or a typed error
 * (`unknown_event` for a name this version does not know, `malformed_event` for anything else).
 */
export function parseEvent(m: WireMessage): ParseResult {
  try {
    return { ok: true, event: parseInner(m) };
  } catch (e) {
    if (e instanceof DurableSessionError) return { ok: false, error: e };
    const { serial, name } = (isRecord(m) ? m : {}) as Partial<Record<'serial' | 'name', unknown>>;
    const detail = e instanceof Invalid ? e.message : String(e);
    return {
      ok: false,
      error: new DurableSessionError(
        e instanceof TooLarge ? 'oversize' : 'malformed_event',
        `Malformed ${typeof name === 'string' ? name.slice(0, 40) : '?'} event: ${detail}.`,
        typeof serial === 'string' && serial ? { serial } : {},
      ),
    };
  }
}

/** Validates presence data from untrusted members; unknown shapes become `{ kind: 'user' }`. */
export function parsePresenceData(v: unknown): PresenceData {
  if (!isRecord(v)) return { kind: 'user' };
  const out: PresenceData = { kind: v.kind === 'agent' ? 'agent' : 'user' };
  for (const k of ['device', 'tabId', 'agentId', 'name', 'instance'] as const) {
    const x = v[k];
    if (typeof x === 'string' && x.length <= 200) out[k] = x;
  }
  return out;
}
