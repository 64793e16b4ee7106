/**
 * The shape of one session's client-side state, and the pure selectors every layer reads it with.
 */
import type { DurableSessionError } from './errors.js';
import type { Attachment, ResponsePart } from './parts.js';
import type { AgentState, ControlTarget, PresenceData, ResponseStatus, SteerAckStatus } from './protocol.js';
import type { ConnectionStatus } from './transport.js';

/** A user's message in the thread. */
export interface UserEntry {
  kind: 'user';
  /** Channel serial, or `local:<turnId>` while the publish is in flight. */
  key: string;
  turnId: string;
  text: string;
  clientId?: string;
  timestamp: number;
  /** True until the channel has accepted the message. */
  pending: boolean;
  /** Set when publishing failed; the text is kept so the user can retry. */
  failed?: DurableSessionError;
  /** Files attached to the message, by URL. */
  attachments?: Attachment[];
  /** App data sent with the message. */
  metadata?: Record<string, unknown>;
  /** The turn this message follows (`null`: the first turn); absent for messages of older clients. */
  parent?: string | null;
  /** Set when this message is an edit: the turn it stands beside as another branch. */
  edits?: string;
}

/** An agent's response: one message grown by appends. */
export interface ResponseEntry {
  kind: 'response';
  key: string;
  responseId: string;
  agentId: string;
  turnId: string;
  /** The visible answer: the response's text parts, joined. */
  text: string;
  /** Every part in order: text, reasoning, tool calls, sources, files, data. */
  parts: ResponsePart[];
  /** Length of the message body applied so far: where the next append must start. */
  size: number;
  status: ResponseStatus;
  /** Version serial of the last applied create/update/append. */
  version: string;
  error?: string;
  timestamp: number;
  /**
   * True when this client picked the response up part-way (a reload, a late join, a backfill after a
   * discontinuity) rather than from its first token.
   */
  resumed?: boolean;
  /** Text arrived with a hole; the controller is backfilling this message from history. */
  gap?: boolean;
  /** The agent instance writing it (liveness follows its presence). */
  instance?: string;
  /**
   * This tab marked it `interrupted` because its instance left presence; a later append from a live
   * instance (the same one back, or a taker) makes it stream again.
   */
  interruptedLocally?: boolean;
}

export type ThreadEntry = UserEntry | ResponseEntry;

/** What a turn (one user message and the responses to it) is doing. */
export type TurnStatus = 'pending' | 'streaming' | 'complete' | 'cancelled' | 'error' | 'interrupted';

export interface CancelRequest {
  controlId: string;
  target: ControlTarget;
  /** `sending` until the channel accepted it, then `sent`; `failed` if the publish was rejected. */
  status: 'sending' | 'sent' | 'failed';
  at: number;
  /**
   * The turns this cancel reaches, fixed when it is first applied: a cancel of an agent or of
   * everything stops what is running then, never a turn that begins after it.
   */
  turnIds: string[];
}

export interface SteerRequest {
  steerId: string;
  text: string;
  target: ControlTarget;
  status: 'sending' | 'sent' | 'failed' | SteerAckStatus;
  agentId?: string;
  responseId?: string;
  reason?: string;
  at: number;
}

/** A person's approve or deny of a tool call, from this tab or another. The outcome is the tool call's state. */
export interface ApprovalRequest {
  decisionId: string;
  responseId: string;
  toolCallId: string;
  approved: boolean;
  reason?: string;
  clientId?: string;
  /** `sending` until the channel accepted it, then `sent`; `failed` if the publish was rejected. */
  status: 'sending' | 'sent' | 'failed';
  at: number;
}

export interface ConnectionInfo {
  status: ConnectionStatus;
  /** When the connection last came back with continuity (nothing missed). */
  lastResumedAt?: number;
  /** When history was last used to fill a discontinuity or a gap. */
  lastBackfillAt?: number;
  /** How many times history was used to catch up after a discontinuity or gap. */
  backfills: number;
  /** Whether the transcript was hydrated from history at least once. */
  hydrated: boolean;
  /** True while a backfill is running. */
  backfilling: boolean;
}

export interface PresenceEntryView {
  clientId: string;
  connectionId: string;
  data: PresenceData;
}

export interface SessionState {
  sessionId: string;
  /** Thread entry keys in channel order. Changes only when an entry is added or re-keyed. */
  order: string[];
  /**
   * Settled entries by key: user messages and finished responses. Their objects never change once
   * finished, and this record is not copied per token. Read any entry with {@link entryOf}.
   */
  entries: Record<string, ThreadEntry>;
  /**
   * Responses still streaming (or waiting for a backfill), by key: the slot a token rewrites, so one
   * token costs a copy of this small record instead of the whole thread.
   */
  live: Record<string, ResponseEntry>;
  /** responseId → entry key. */
  responses: Record<string, string>;
  /** turnId → keys of its user message and responses, and the turn it follows. */
  turns: Record<string, TurnRecord>;
  cancels: Record<string, CancelRequest>;
  steers: Record<string, SteerRequest>;
  /** Approval decisions published in the session, by decision id. */
  approvals: Record<string, ApprovalRequest>;
  /** Retries and regenerations asked for, by retry id. */
  retries: Record<string, RetryRequest>;
  agents: Record<string, { state: AgentState; turnId?: string }>;
  connection: ConnectionInfo;
  presence: PresenceEntryView[];
  /** The most recent errors, newest last (at most 20). */
  errors: DurableSessionError[];
  /** Set by the reducer when a gap needs a backfill; cleared when a backfill starts. */
  needsBackfill: boolean;
  /** This tab's choice of branches: which path of the conversation tree it shows. Never published. */
  view: ThreadView;
  /** Older history not loaded yet (the thread opens on its newest page). */
  paging: { hasOlder: boolean; loadingOlder: boolean };
}

export interface TurnRecord {
  userKey?: string;
  responseKeys: string[];
  /** From the user message: the turn it follows (`null` for a first turn). Undefined: the previous turn. */
  parent?: string | null;
}

/** A tab's pick at one branch point. */
export interface BranchChoice {
  /** The chosen turn (among the children of one turn), or the chosen response key (among an agent's versions). */
  pick: string;
  /**
   * The newest sibling's serial when the pick was made: a sibling newer than this (a new branch or a
   * new version from any tab) takes the view over, unless the tab opted out of following.
   */
  seen: string;
}

export interface ThreadView {
  /**
   * Branch choices by branch point: a parent turn id (`''` for the root) for edited messages, or
   * `<turnId> <agentId>` for an agent's versions of one answer.
   */
  branches: Record<string, BranchChoice>;
  /** Follow a new branch or version made in any tab (default true); otherwise keep this tab's picks. */
  followBranches: boolean;
}

export function initialSessionState(sessionId: string): SessionState {
  return {
    sessionId,
    order: [],
    entries: {},
    live: {},
    responses: {},
    turns: {},
    cancels: {},
    steers: {},
    approvals: {},
    retries: {},
    agents: {},
    connection: { status: 'connecting', backfills: 0, hydrated: false, backfilling: false },
    presence: [],
    errors: [],
    needsBackfill: false,
    view: { branches: {}, followBranches: true },
    paging: { hasOlder: false, loadingOlder: false },
  };
}

/** The entry with this key, streaming or settled. */
export function entryOf(s: SessionState, key: string): ThreadEntry | undefined {
  return s.live[key] ?? s.entries[key];
}

/** The entries `keys` name, in that order (keys of entries not held left out). */
export function entriesOf(s: SessionState, keys: readonly string[]): ThreadEntry[] {
  const out: ThreadEntry[] = [];
  for (const k of keys) {
    const e = entryOf(s, k);
    if (e) out.push(e);
  }
  return out;
}

/** The thread in channel order. */
export function selectThread(s: SessionState): ThreadEntry[] {
  return entriesOf(s, s.order);
}

/** The response entry with this id, if the store has it. */
export function selectResponse(s: SessionState, responseId: string): ResponseEntry | undefined {
  const key = s.responses[responseId];
  const e = key ? entryOf(s, key) : undefined;
  return e?.kind === 'response' ? e : undefined;
}

/** Derives a turn's status from its responses and whether its user message is still pending. */
export function turnStatus(state: SessionState, turnId: string): TurnStatus | undefined {
  const t = state.turns[turnId];
  if (!t) return undefined;
  if (t.responseKeys.length === 0) return 'pending';
  // Each agent's newest response speaks for it: a retry that completes settles an interrupted turn.
  // Newest by serial, not by arrival: an older version can come in later with an older history page.
  const latest = new Map<string, ResponseEntry>();
  for (const k of t.responseKeys) {
    const r = entryOf(state, k) as ResponseEntry | undefined;
    const seen = r && latest.get(r.agentId);
    if (r && !(seen && seen.key > k)) latest.set(r.agentId, r);
  }
  const rank: Record<ResponseEntry['status'], number> = { complete: 0, interrupted: 1, error: 2, cancelled: 3, streaming: 4 };
  let final: TurnStatus = 'complete';
  for (const r of latest.values()) if (rank[r.status] > rank[final as ResponseEntry['status']]) final = r.status;
  return final;
}

/** A retry or regenerate a tab asked for; the new response (and its status) is the outcome. */
export interface RetryRequest {
  retryId: string;
  turnId: string;
  agentId: string;
  responseId: string;
  mode: 'retry' | 'regenerate';
  status: 'sending' | 'sent' | 'failed';
  at: number;
}

/** Keeps the newest errors (at most 20); `state` itself when there are none to add. */
export function pushError(state: SessionState, ...errors: DurableSessionError[]): SessionState {
  return errors.length === 0 ? state : { ...state, errors: [...state.errors, ...errors].slice(-MAX_ERRORS) };
}

const MAX_ERRORS = 20;
