/**
 * Validation of untrusted channel messages into typed events: never throws, and turns anything a
 * version of the kit does not accept into a typed `malformed_event` or `unknown_event` error.
 */
import { DurableSessionError } from './errors.js';
import {
  EventName,
  Header,
  Limits,
  RESPONSE_STATUSES,
  type AgentResponseEvent,
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

const ID_RE = /^[A-Za-z0-9._:@~-]+$/;
const ACTIONS: readonly MessageAction[] = ['message.create', 'message.update', 'message.append', 'message.delete'];
const STEER_ACKS: readonly SteerAckStatus[] = ['received', 'applied', 'rejected'];
const AGENT_STATES: readonly AgentState[] = ['idle', 'thinking', 'streaming', 'offline'];

class Invalid extends Error {}

function fail(msg: string): never {
  throw new Invalid(msg);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Ids and serials key plain objects in the store; a name an object inherits (`constructor`,
 * `toString`, `__proto__`) would look up the prototype instead of an entry.
 */
function notInherited(v: string, field: string): string {
  if (v === '__proto__' || Object.prototype.hasOwnProperty.call(Object.prototype, v)) fail(`${field} may not be ${JSON.stringify(v)}`);
  return v;
}

function id(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0) fail(`${field} must be a non-empty string`);
  if (v.length > Limits.maxIdChars) fail(`${field} is longer than ${Limits.maxIdChars} characters`);
  if (!ID_RE.test(v)) fail(`${field} has characters outside [A-Za-z0-9._:@~-]`);
  return notInherited(v, field);
}

function optId(v: unknown, field: string): string | undefined {
  return v === undefined ? undefined : id(v, field);
}

function text(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string') fail(`${field} must be a string`);
  if (v.length > max) fail(`${field} is ${v.length} characters; the limit is ${max}`);
  return v;
}

function optText(v: unknown, field: string): string | undefined {
  return v === undefined ? undefined : text(v, field, 1000);
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], field: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    fail(`${field} must be one of ${allowed.join(', ')}`);
  }
  return v as T;
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
      return { ...b, type: 'user.message', turnId: id(h[Header.Turn], Header.Turn), text: text(d.text, 'text', Limits.maxInputChars) };
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
      const ev: AgentResponseEvent = {
        ...b,
        type: 'agent.response',
        responseId: id(h[Header.Response], Header.Response),
        agentId: id(h[Header.Agent], Header.Agent),
        turnId: id(h[Header.Turn], Header.Turn),
        status,
        offset,
        text: body,
      };
      const err = optText(h[Header.Error], Header.Error);
      if (err !== undefined) ev.error = err;
      return ev;
    }
    case EventName.Cancel: {
      if (!isRecord(d)) fail('control.cancel data must be { controlId, target }');
      const ev: CancelEvent = { ...b, type: 'control.cancel', controlId: id(d.controlId, 'controlId'), target: parseTarget(d.target) };
      const reason = optText(d.reason, 'reason');
      if (reason !== undefined) ev.reason = reason;
      return ev;
    }
    case EventName.Steer: {
      if (!isRecord(d)) fail('control.steer data must be { steerId, text, target }');
      return {
        ...b,
        type: 'control.steer',
        steerId: id(d.steerId, 'steerId'),
        text: text(d.text, 'text', Limits.maxInputChars),
        target: parseTarget(d.target),
      };
    }
    case EventName.SteerAck: {
      if (!isRecord(d)) fail('control.steer-ack data must be { steerId, agentId, status }');
      const ev: SteerAckEvent = {
        ...b,
        type: 'control.steer-ack',
        steerId: id(d.steerId, 'steerId'),
        agentId: id(d.agentId, 'agentId'),
        status: oneOf(d.status, STEER_ACKS, 'status'),
      };
      const responseId = optId(d.responseId, 'responseId');
      if (responseId !== undefined) ev.responseId = responseId;
      const reason = optText(d.reason, 'reason');
      if (reason !== undefined) ev.reason = reason;
      return ev;
    }
    case EventName.AgentStatus: {
      if (!isRecord(d)) fail('agent.status data must be { agentId, state }');
      const ev: AgentStatusEvent = {
        ...b,
        type: 'agent.status',
        agentId: id(d.agentId, 'agentId'),
        state: oneOf(d.state, AGENT_STATES, 'state'),
      };
      const turnId = optId(d.turnId, 'turnId');
      if (turnId !== undefined) ev.turnId = turnId;
      return ev;
    }
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
      error: new DurableSessionError('malformed_event', `Malformed ${name.slice(0, 40)} event: ${detail}.`, serial ? { serial } : {}),
    };
  }
}

/** Validates presence data from untrusted members; unknown shapes become `{ kind: 'user' }`. */
export function parsePresenceData(v: unknown): PresenceData {
  if (!isRecord(v)) return { kind: 'user' };
  const out: PresenceData = { kind: v.kind === 'agent' ? 'agent' : 'user' };
  for (const k of ['device', 'tabId', 'agentId', 'name'] as const) {
    const x = v[k];
    if (typeof x === 'string' && x.length <= 200) out[k] = x;
  }
  return out;
}
