/**
 * Validation of untrusted channel messages into typed events: never throws, and turns anything a
 * version of the kit does not accept into a typed `malformed_event` or `unknown_event` error.
 */
import { DurableSessionError } from './errors.js';
import type { Attachment } from './parts.js';
import { parseBody, segmentsText } from './response-body.js';
import { choice, fail, fields, id, Invalid, isRecord, notInherited, oneOf, opt, optId, optText, reasonText, text, TooLarge, type FieldCheck } from './validate.js';
import {
  EventName,
  Header,
  Limits,
  RESPONSE_STATUSES,
  type AgentResponseEvent,
  type ApprovalEvent,
  type ClaimEvent,
  type RetryEvent,
  type SteerEvent,
  type UserMessageEvent,
  type AgentState,
  type AgentStatusEvent,
  type CancelEvent,
  type ControlTarget,
  type EventBase,
  type MessageAction,
  type PresenceData,
  type SessionEvent,
  type SteerAckEvent,
  type SteerAckStatus,
  type WireMessage,
} from './protocol.js';

export type ParseResult = { ok: true; event: SessionEvent } | { ok: false; error: DurableSessionError };

const ACTIONS: readonly MessageAction[] = ['message.create', 'message.update', 'message.append', 'message.delete'];
const STEER_ACKS: readonly SteerAckStatus[] = ['received', 'applied', 'rejected'];
const AGENT_STATES: readonly AgentState[] = ['idle', 'thinking', 'streaming', 'offline'];

const input: FieldCheck = (v, f) => text(v, f, Limits.maxInputChars);
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
    const url = text(a.url, `attachments[${i}].url`, 4096);
    if (!/^(https?:|data:|blob:|\/)/i.test(url)) fail(`attachments[${i}].url must be an http(s), data or blob URL, or a path`);
    const out: Attachment = { type: 'file', mediaType: text(a.mediaType, `attachments[${i}].mediaType`, 200), url };
    const name = optText(a.name, `attachments[${i}].name`, 500);
    if (name !== undefined) out.name = name;
    return out;
  });
}

/** Validates the app data sent with a user message. */
export function parseMetadata(v: unknown): Record<string, unknown> {
  if (!isRecord(v)) fail('metadata must be an object');
  const size = JSON.stringify(v).length;
  if (size > Limits.maxMetadataChars) throw new TooLarge(`metadata is ${size} characters serialised; the limit is ${Limits.maxMetadataChars}`);
  return v;
}

/** Validates a control target from untrusted data. */
export function parseTarget(v: unknown): ControlTarget {
  if (!isRecord(v)) fail('target must be an object');
  switch (v.kind) {
    case 'response':
      return { kind: 'response', responseId: id(v.responseId, 'target.responseId') };
    case 'turn':
      return { kind: 'turn', turnId: id(v.turnId, 'target.turnId') };
    case 'agent':
      return { kind: 'agent', agentId: id(v.agentId, 'target.agentId') };
    case 'all':
      return { kind: 'all' };
    default:
      return fail('target.kind must be response, turn, agent or all');
  }
}

function base(m: WireMessage): EventBase {
  if (typeof m.serial !== 'string' || m.serial.length === 0) fail('serial must be a non-empty string');
  if (typeof m.version !== 'string' || m.version.length === 0) fail('version must be a non-empty string');
  notInherited(m.serial, 'serial');
  const action = oneOf(m.action, ACTIONS, 'action');
  const b: EventBase = {
    serial: m.serial,
    version: m.version,
    action,
    timestamp: typeof m.timestamp === 'number' && Number.isFinite(m.timestamp) ? m.timestamp : 0,
  };
  if (typeof m.clientId === 'string') b.clientId = m.clientId;
  if (typeof m.connectionId === 'string') b.connectionId = m.connectionId;
  return b;
}

function headersOf(m: WireMessage): Record<string, string> {
  const h = m.headers;
  if (h === undefined || h === null) return {};
  if (!isRecord(h)) fail('headers must be an object of strings');
  return h as Record<string, string>;
}

function parseInner(m: WireMessage): SessionEvent {
  if (!isRecord(m)) fail('message must be an object');
  const b = base(m);
  const h = headersOf(m);
  const d = m.data;
  switch (m.name) {
    case EventName.UserMessage: {
      if (!isRecord(d)) fail('user.message data must be { text }');
      const ev: UserMessageEvent = { ...b, type: 'user.message', turnId: id(h[Header.Turn], Header.Turn), text: text(d.text, 'text', Limits.maxInputChars) };
      if (d.attachments !== undefined) ev.attachments = parseAttachments(d.attachments);
      if (d.metadata !== undefined) ev.metadata = parseMetadata(d.metadata);
      if (d.parent !== undefined) ev.parent = d.parent === null ? null : id(d.parent, 'parent');
      if (d.edits !== undefined) ev.edits = id(d.edits, 'edits');
      return ev;
    }
    case EventName.AgentResponse: {
      const status = oneOf(h[Header.Status], RESPONSE_STATUSES, Header.Status);
      let offset = 0;
      if (b.action === 'message.append') {
        const raw = h[Header.Offset];
        const n = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
        if (!Number.isSafeInteger(n)) fail(`${Header.Offset} must be a decimal integer on an append`);
        offset = n;
      }
      const body = d === undefined || d === null ? '' : text(d, 'data', Limits.maxResponseChars);
      const segments = parseBody(body);
      const ev: AgentResponseEvent = {
        ...b,
        type: 'agent.response',
        responseId: id(h[Header.Response], Header.Response),
        agentId: id(h[Header.Agent], Header.Agent),
        turnId: id(h[Header.Turn], Header.Turn),
        status,
        offset,
        text: segmentsText(segments),
        segments,
        size: body.length,
      };
      const err = optText(h[Header.Error], Header.Error);
      if (err !== undefined) ev.error = err;
      const instance = optId(h[Header.Instance], Header.Instance);
      if (instance !== undefined) ev.instance = instance;
      return ev;
    }
    case EventName.Cancel:
      return { ...b, type: 'control.cancel', ...fields<Omit<CancelEvent, keyof EventBase | 'type'>>(d, 'control.cancel data', { controlId: id, target: parseTarget, reason: reasonText }) };
    case EventName.Steer:
      return { ...b, type: 'control.steer', ...fields<Omit<SteerEvent, keyof EventBase | 'type'>>(d, 'control.steer data', { steerId: id, text: input, target: parseTarget }) };
    case EventName.SteerAck:
      return {
        ...b,
        type: 'control.steer-ack',
        ...fields<Omit<SteerAckEvent, keyof EventBase | 'type'>>(d, 'control.steer-ack data', { steerId: id, agentId: id, status: choice(STEER_ACKS), responseId: opt(id), reason: reasonText }),
      };
    case EventName.AgentStatus:
      return { ...b, type: 'agent.status', ...fields<Omit<AgentStatusEvent, keyof EventBase | 'type'>>(d, 'agent.status data', { agentId: id, state: choice(AGENT_STATES), turnId: opt(id) }) };
    case EventName.Approval:
      return {
        ...b,
        type: 'control.approval',
        ...fields<Omit<ApprovalEvent, keyof EventBase | 'type'>>(d, 'control.approval data', { decisionId: id, responseId: id, toolCallId: id, approved: bool, reason: reasonText }),
      };
    case EventName.Retry:
      return {
        ...b,
        type: 'control.retry',
        ...fields<Omit<RetryEvent, keyof EventBase | 'type'>>(d, 'control.retry data', { retryId: id, turnId: id, agentId: id, responseId: id, mode: choice(['retry', 'regenerate'] as const) }),
      };
    case EventName.Claim:
      return { ...b, type: 'agent.claim', ...fields<Omit<ClaimEvent, keyof EventBase | 'type'>>(d, 'agent.claim data', { claimId: id, key: claimKey, agentId: id, instance: id }) };
    default:
      throw new DurableSessionError('unknown_event', `Unknown event name ${JSON.stringify(String(m.name)).slice(0, 80)}; expected one of ${Object.values(EventName).join(', ')}.`, { serial: m.serial });
  }
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
    const serial = isRecord(m) && typeof m.serial === 'string' ? m.serial : undefined;
    const name = isRecord(m) && typeof m.name === 'string' ? m.name : '?';
    const detail = e instanceof Invalid ? e.message : String(e);
    return {
      ok: false,
      error: new DurableSessionError(e instanceof TooLarge ? 'oversize' : 'malformed_event', `Malformed ${name.slice(0, 40)} event: ${detail}.`, serial ? { serial } : {}),
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
