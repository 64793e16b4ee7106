/**
 * The session's event vocabulary, on Ably's message model.
 *
 * Every event is one channel message with a `name`, a `data` payload and `extras.headers`. Events are
 * untrusted input: whatever arrives from the channel goes through {@link parseEvent}, which returns a
 * typed event or a typed {@link DurableSessionError} and never throws.
 *
 * | name                | published by | data                                   | headers                       |
 * |---------------------|--------------|----------------------------------------|-------------------------------|
 * | `user.message`      | a client     | `{ text, attachments?, metadata?, parent?, edits? }` | `ds-turn`       |
 * | `agent.response`    | an agent     | the response body (grown by appends)   | `ds-response`, `ds-agent`, `ds-turn`, `ds-status`, `ds-offset`, `ds-error`? |
 * | `control.cancel`    | a client     | `{ controlId, target, reason? }`       |                               |
 * | `control.steer`     | a client     | `{ steerId, text, target }`            |                               |
 * | `control.steer-ack` | an agent     | `{ steerId, agentId, status, responseId?, reason? }` |                 |
 * | `control.approval`  | a client     | `{ decisionId, responseId, toolCallId, approved, reason? }` |            |
 * | `control.retry`     | a client     | `{ retryId, turnId, agentId, responseId, mode }` (`retry` \| `regenerate`) |   |
 * | `agent.claim`       | an agent     | `{ claimId, key, agentId, instance }`  |                               |
 * | `agent.status`      | an agent     | `{ agentId, state, turnId? }`          |                               |
 *
 * **Message-per-response.** An agent response is ONE message: created with empty text and
 * `ds-status: streaming`, grown with `message.append`s, and closed by a last append whose status is
 * final (`complete`, `cancelled` or `error`). Each append repeats every header. `ds-offset` is the
 * length of the text before the append, so a receiver can tell a duplicate (offset below its length)
 * from a gap (offset above its length) without trusting delivery order.
 *
 * **Parts.** A response is an ordered list of parts (`src/core/parts.ts`): `text`, `reasoning`,
 * `tool-call`, `source`, `file` and `data-<name>`. They travel in the same one message: text as raw
 * characters, every other part change as a JSON record between two U+001E characters
 * (`src/core/response-body.ts`), so one append per batch window carries every part that changed, a
 * text-only response is plain text, and history's aggregated copy restores every part exactly —
 * including a tool call halfway through streaming its input. Records:
 *
 * | record                                   | effect                                                     |
 * |------------------------------------------|------------------------------------------------------------|
 * | `{op:'reasoning', id, d}`                | opens or grows reasoning `id`                              |
 * | `{op:'reasoning-end', id, ms?}`          | closes it (`ms`: how long the agent thought)               |
 * | `{op:'tool', id, name, approval?}`       | opens tool call `id`: `input-streaming`                    |
 * | `{op:'tool-delta', id, d}`               | grows its input's JSON text                                |
 * | `{op:'tool-input', id, input}`           | the final input: `input-available`                         |
 * | `{op:'tool-state', id, state, by?, reason?}` | `awaiting-approval`, then `running` (approved) or `denied`, with who decided |
 * | `{op:'tool-output', id, output}` / `{op:'tool-error', id, error}` | `output-available` / `output-error` |
 * | `{op:'source', id, url?, documentId?, title?}`, `{op:'file', id, mediaType, url, name?}` | a citation, a file |
 * | `{op:'data', id, name, data}`            | part `data-<name>`; the same id again replaces it in place |
 *
 * **Approval** is live control: a tool call the agent declared as needing approval waits in
 * `awaiting-approval` (in every tab, across reloads) until a participant publishes
 * `control.approval`. The agent takes the first decision it obeys and acknowledges it in the
 * response (`tool-state running` or `denied`, with `by`), so every tab settles on one outcome.
 *
 * **Liveness and takeover.** Each agent instance is present with a random `instance` id, and every
 * response message names the instance writing it (`ds-instance`). A client that sees a streaming
 * response whose instance has left presence for longer than a grace period (default 3 s; the service
 * itself notices a dead connection first — Ably and the local server after 15 s) shows it
 * `interrupted`; a later append from a live instance revives it. Presence is the liveness signal, not
 * a lease, because the service already tracks every connection and its heartbeats: a lease would add
 * channel traffic per streaming response and depend on clocks agreeing. Another instance of the same
 * agent takes the turn over by publishing `agent.claim` for `response:<id>`; the first claim in
 * channel order wins, so two standbys never both answer. The taker continues the same message from
 * its durable body, or ends it `interrupted` and answers the turn afresh. `control.retry` asks for a
 * new response to a turn (retry an interrupted or failed one, or regenerate a finished one); earlier
 * responses stay in the thread as earlier versions.
 *
 * **Branches.** The conversation is a tree of turns. A user message names the turn it follows in
 * `parent` (a turn id, or `null` for the first turn of the session); a message without `parent` (an
 * older client) follows the turn before it in channel order. Editing a message publishes a NEW
 * message with the edited one's parent and `edits: <its turn id>`: a sibling turn, which agents
 * answer with the path from the root to it as their transcript. Nothing is rewritten, so every branch
 * stays in history, durable and addressable. Which branch a tab shows is that tab's choice (kept
 * across reloads); a new branch from any tab is followed by every tab unless it opted out. Regenerated
 * responses are the other branch point: an agent's answers to one turn, shown one at a time.
 *
 * **Paging.** A client hydrates from ONE history page (the newest messages, aggregated) and loads
 * older pages on demand, one history request each, so a session of thousands of turns opens as fast
 * as a short one.
 *
 * **Cancel** is an explicit event; nothing is inferred from a closed socket. Its target may be a
 * response, a turn (the user message, so a stop before the first token still lands), an agent, or
 * everything running in the session. The agent's acknowledgement is the response ending `cancelled`.
 *
 * **Steer** carries new instructions for a running turn; the agent answers with `control.steer-ack`
 * (`received` when queued, `applied` when the handler took it, `rejected` with a reason otherwise).
 */

import type { Attachment } from './parts.js';
import type { BodySegment } from './response-body.js';

/** Event names, as they appear in a channel message's `name`. */
export const EventName = {
  UserMessage: 'user.message',
  AgentResponse: 'agent.response',
  Cancel: 'control.cancel',
  Steer: 'control.steer',
  SteerAck: 'control.steer-ack',
  AgentStatus: 'agent.status',
  Approval: 'control.approval',
  Retry: 'control.retry',
  Claim: 'agent.claim',
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
  Instance: 'ds-instance',
} as const;

/**
 * The lifecycle of an agent response. Every status but `streaming` is final. `interrupted`: the agent
 * writing it is gone (shown by clients when its instance left presence; written by a taker that
 * restarts the turn).
 */
export type ResponseStatus = 'streaming' | 'complete' | 'cancelled' | 'error' | 'interrupted';
export const RESPONSE_STATUSES: readonly ResponseStatus[] = ['streaming', 'complete', 'cancelled', 'error', 'interrupted'];
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

export interface EventBase {
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
  /** Files the user attached, by URL. */
  attachments?: Attachment[];
  /** App data sent with the message (JSON, at most {@link Limits.maxMetadataChars} serialised). */
  metadata?: Record<string, unknown>;
  /**
   * The turn this message follows: a turn id, or `null` for the session's first turn. Absent (older
   * clients): the turn before it in channel order.
   */
  parent?: string | null;
  /** Set on an edit: the turn whose message this one replaces, in a new branch beside it. */
  edits?: string;
}

export interface AgentResponseEvent extends EventBase {
  type: 'agent.response';
  responseId: string;
  agentId: string;
  turnId: string;
  status: ResponseStatus;
  /** Body length before this body — for appends; 0 for creates and updates (which carry the whole body). */
  offset: number;
  /** The visible text in this body (for an append, the text delta). */
  text: string;
  /** The body as text and part records, with their offsets in it. */
  segments: BodySegment[];
  /** Length of the body (the raw message data) this event carries. */
  size: number;
  error?: string;
  /** The agent instance writing it, for liveness. */
  instance?: string;
}

export interface RetryEvent extends EventBase {
  type: 'control.retry';
  retryId: string;
  turnId: string;
  agentId: string;
  /** The response being retried or regenerated. */
  responseId: string;
  mode: 'retry' | 'regenerate';
}

export interface ClaimEvent extends EventBase {
  type: 'agent.claim';
  claimId: string;
  /** What is claimed: `response:<responseId>` (a takeover) or `retry:<retryId>`. */
  key: string;
  agentId: string;
  instance: string;
}

export interface ApprovalEvent extends EventBase {
  type: 'control.approval';
  decisionId: string;
  responseId: string;
  toolCallId: string;
  approved: boolean;
  reason?: string;
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
  | AgentStatusEvent
  | ApprovalEvent
  | RetryEvent
  | ClaimEvent;

/** Limits that keep one event from exhausting a client. */
export const Limits = {
  /** Longest user message or steer text, in characters. Ably's default max message size is 64 KiB. */
  maxInputChars: 16_000,
  /** Longest id (turn, response, control, agent). */
  maxIdChars: 128,
  /** Longest response text a client holds. */
  maxResponseChars: 4_000_000,
  /** Longest part record (a tool's input or output, a data part), serialised. */
  maxPartChars: 32_000,
  /** Most attachments on one user message. */
  maxAttachments: 10,
  /** Longest user message metadata, serialised. */
  maxMetadataChars: 4_000,
} as const;

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
  /** An agent process's instance id: what its responses name in `ds-instance`. */
  instance?: string;
}

