/**
 * The session's event vocabulary, on Ably's message model.
 *
 * Every event is one channel message with a `name`, a `data` payload and `extras.headers`. Events are
 * untrusted input: whatever arrives from the channel goes through {@link parseEvent}, which returns a
 * typed event or a typed {@link DurableSessionError} and never throws.
 *
 * | name                | published by | data                                   | headers                       |
 * |---------------------|--------------|----------------------------------------|-------------------------------|
 * | `user.message`      | a client     | `{ text }`                             | `ds-turn`                     |
 * | `agent.response`    | an agent     | the response text (grown by appends)   | `ds-response`, `ds-agent`, `ds-turn`, `ds-status`, `ds-offset`, `ds-error`? |
 * | `control.cancel`    | a client     | `{ controlId, target, reason? }`       |                               |
 * | `control.steer`     | a client     | `{ steerId, text, target }`            |                               |
 * | `control.steer-ack` | an agent     | `{ steerId, agentId, status, responseId?, reason? }` |                 |
 * | `agent.status`      | an agent     | `{ agentId, state, turnId? }`          |                               |
 *
 * **Message-per-response.** An agent response is ONE message: created with empty text and
 * `ds-status: streaming`, grown with `message.append`s, and closed by a last append whose status is
 * final (`complete`, `cancelled` or `error`). Each append repeats every header. `ds-offset` is the
 * length of the text before the append, so a receiver can tell a duplicate (offset below its length)
 * from a gap (offset above its length) without trusting delivery order.
 *
 * **Cancel** is an explicit event; nothing is inferred from a closed socket. Its target may be a
 * response, a turn (the user message, so a stop before the first token still lands), an agent, or
 * everything running in the session. The agent's acknowledgement is the response ending `cancelled`.
 *
 * **Steer** carries new instructions for a running turn; the agent answers with `control.steer-ack`
 * (`received` when queued, `applied` when the handler took it, `rejected` with a reason otherwise).
 */
import { DurableSessionError } from './errors.js';

/** Event names, as they appear in a channel message's `name`. */
export const EventName = {
  UserMessage: 'user.message',
  AgentResponse: 'agent.response',
  Cancel: 'control.cancel',
  Steer: 'control.steer',
  SteerAck: 'control.steer-ack',
  AgentStatus: 'agent.status',
} as const;
export type EventName = (typeof EventName)[keyof typeof EventName];

/** Header keys carried in `extras.headers`. */
export const Header = {
  Turn: 'ds-turn',
  Response: 'ds-response',
  Agent: 'ds-agent',
  Status: 'ds-status',
  Offset: 'ds-offset',
  Error: 'ds-error',
} as const;

/** The lifecycle of an agent response. Every status but `streaming` is final. */
export type ResponseStatus = 'streaming' | 'complete' | 'cancelled' | 'error';
export const RESPONSE_STATUSES: readonly ResponseStatus[] = ['streaming', 'complete', 'cancelled', 'error'];
export const isFinalStatus = (s: ResponseStatus): boolean => s !== 'streaming';

/** The Ably message actions this kit uses. */
export type MessageAction = 'message.create' | 'message.update' | 'message.append' | 'message.delete';

/**
 * One message as a transport delivers it: Ably's message model, normalised.
 * `serial` is the message's identity (the create serial); `version` orders its updates and appends.
 */
export interface WireMessage {
  serial: string;
  /** Serial of this version; equals `serial` for a create. */
  version: string;
  action: MessageAction;
  name: string;
  data: unknown;
  headers: Record<string, string>;
  clientId?: string;
  connectionId?: string;
  timestamp: number;
}

/** What a publisher hands to a transport to create a message. */
export interface OutgoingMessage {
  name: string;
  data: unknown;
  headers?: Record<string, string>;
  /**
   * Idempotency key: a message republished with the same id (an SDK retrying after a connection it
   * could not resume) is accepted once. The builders derive it from the turn, response or control id.
   */
  id?: string;
}

/** Who a cancel or steer is aimed at. */
export type ControlTarget =
  | { kind: 'response'; responseId: string }
  | { kind: 'turn'; turnId: string }
  | { kind: 'agent'; agentId: string }
  | { kind: 'all' };

export type SteerAckStatus = 'received' | 'applied' | 'rejected';
export type AgentState = 'idle' | 'thinking' | 'streaming' | 'offline';

interface EventBase {
  serial: string;
  version: string;
  action: MessageAction;
  clientId?: string;
  connectionId?: string;
  timestamp: number;
}

export interface UserMessageEvent extends EventBase {
  type: 'user.message';
  turnId: string;
  text: string;
}

export interface AgentResponseEvent extends EventBase {
  type: 'agent.response';
  responseId: string;
  agentId: string;
  turnId: string;
  status: ResponseStatus;
  /** Text length before `text` — for appends; 0 for creates and updates (which carry the full text). */
  offset: number;
  /** For `message.append`: the delta. Otherwise: the full text so far. */
  text: string;
  error?: string;
}

export interface CancelEvent extends EventBase {
  type: 'control.cancel';
  controlId: string;
  target: ControlTarget;
  reason?: string;
}

export interface SteerEvent extends EventBase {
  type: 'control.steer';
  steerId: string;
  text: string;
  target: ControlTarget;
}

export interface SteerAckEvent extends EventBase {
  type: 'control.steer-ack';
  steerId: string;
  agentId: string;
  status: SteerAckStatus;
  responseId?: string;
  reason?: string;
}

export interface AgentStatusEvent extends EventBase {
  type: 'agent.status';
  agentId: string;
  state: AgentState;
  turnId?: string;
}

export type SessionEvent =
  | UserMessageEvent
  | AgentResponseEvent
  | CancelEvent
  | SteerEvent
  | SteerAckEvent
  | AgentStatusEvent;

/** Limits that keep one event from exhausting a client. */
export const Limits = {
  /** Longest user message or steer text, in characters. Ably's default max message size is 64 KiB. */
  maxInputChars: 16_000,
  /** Longest id (turn, response, control, agent). */
  maxIdChars: 128,
  /** Longest response text a client holds. */
  maxResponseChars: 4_000_000,
} as const;

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

/** Builders for outgoing events, so publishers cannot drift from what {@link parseEvent} accepts. */
export const build = {
  userMessage(turnId: string, text: string): OutgoingMessage {
    return { name: EventName.UserMessage, data: { text }, headers: { [Header.Turn]: turnId }, id: `ds.${turnId}` };
  },
  responseHeaders(p: { responseId: string; agentId: string; turnId: string; status: ResponseStatus; offset?: number; error?: string }): Record<string, string> {
    const h: Record<string, string> = {
      [Header.Response]: p.responseId,
      [Header.Agent]: p.agentId,
      [Header.Turn]: p.turnId,
      [Header.Status]: p.status,
    };
    if (p.offset !== undefined) h[Header.Offset] = String(p.offset);
    if (p.error !== undefined) h[Header.Error] = p.error.slice(0, 1000);
    return h;
  },
  cancel(controlId: string, target: ControlTarget, reason?: string): OutgoingMessage {
    return { name: EventName.Cancel, data: reason === undefined ? { controlId, target } : { controlId, target, reason }, id: `ds.${controlId}` };
  },
  steer(steerId: string, text: string, target: ControlTarget): OutgoingMessage {
    return { name: EventName.Steer, data: { steerId, text, target }, id: `ds.${steerId}` };
  },
  steerAck(p: { steerId: string; agentId: string; status: SteerAckStatus; responseId?: string; reason?: string }): OutgoingMessage {
    return { name: EventName.SteerAck, data: { ...p }, id: `ds.${p.steerId}.${p.agentId}.${p.status}` };
  },
  /** A new, empty response; grown with appends carrying {@link build.responseHeaders}. */
  responseCreate(p: { responseId: string; agentId: string; turnId: string; status: ResponseStatus }): OutgoingMessage {
    return { name: EventName.AgentResponse, data: '', headers: build.responseHeaders(p), id: `ds.${p.responseId}` };
  },
  agentStatus(agentId: string, state: AgentState, turnId?: string): OutgoingMessage {
    return { name: EventName.AgentStatus, data: turnId === undefined ? { agentId, state } : { agentId, state, turnId } };
  },
};

/** Presence data every member carries. */
export interface PresenceData {
  kind: 'user' | 'agent';
  /** Human label of the device, e.g. "MacBook · Chrome". */
  device?: string;
  /** Stable per browser tab. */
  tabId?: string;
  agentId?: string;
  /** Display name. */
  name?: string;
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
