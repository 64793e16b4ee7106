/**
 * THE reducer. Every change to a session's state goes through here, so the rules that make the
 * session durable hold in one place:
 * - each (message serial, version) is applied at most once, and appends only at the right offset —
 *   replays, duplicate deliveries and overlapping resumes cannot duplicate text;
 * - an append that would leave a hole marks the response `gap` and asks for a backfill;
 * - finished entries keep their object identity, so memoised rows never re-render;
 * - a token costs O(1): only the streaming response's small `live` slot is copied (reduce-thread.ts).
 */
import { reachedTurns } from './control-target.js';
import type { DurableSessionError } from './errors.js';
import type { ControlTarget, SessionEvent } from './protocol.js';
import { addLocalUserMessage, applyResponse, applyUserMessage, markInterrupted, withBranch } from './reduce-thread.js';
import type { Attachment } from './parts.js';
import { pushError, type ApprovalRequest, type BranchChoice, type PresenceEntryView, type SessionState } from './session-state.js';
import type { ConnectionChange } from './transport.js';

export type SessionAction =
  | { type: 'event'; event: SessionEvent }
  | { type: 'local/send'; turnId: string; text: string; clientId: string; at: number; attachments?: Attachment[]; metadata?: Record<string, unknown>; parent?: string | null; edits?: string }
  | { type: 'local/select-branch'; point: string; choice: BranchChoice }
  | { type: 'view/restore'; branches: Record<string, BranchChoice> }
  | { type: 'paging'; hasOlder?: boolean; loadingOlder?: boolean }
  | { type: 'local/send-failed'; turnId: string; error: DurableSessionError }
  | { type: 'local/cancel'; controlId: string; target: ControlTarget; at: number }
  | { type: 'local/steer'; steerId: string; text: string; target: ControlTarget; at: number }
  | { type: 'local/approval'; decisionId: string; responseId: string; toolCallId: string; approved: boolean; reason?: string; clientId: string; at: number }
  | { type: 'local/retry'; retryId: string; turnId: string; agentId: string; responseId: string; mode: 'retry' | 'regenerate'; at: number }
  | { type: 'local/interrupted'; key: string }
  | { type: 'local/control-sent'; id: string }
  | { type: 'local/control-failed'; id: string; error: DurableSessionError }
  | { type: 'connection'; change: ConnectionChange; at: number }
  | { type: 'presence'; members: PresenceEntryView[] }
  | { type: 'backfill/start' }
  | { type: 'backfill/done'; at: number; hydration: boolean }
  | { type: 'error'; error: DurableSessionError }
  | { type: 'errors/clear' };

export function reduceSession(state: SessionState, action: SessionAction): SessionState {
  switch (action.type) {
    case 'event':
      return applyEvent(state, action.event);
    case 'local/send':
      return addLocalUserMessage(state, action);
    case 'local/select-branch': {
      const c = state.view.branches[action.point];
      if (c && c.pick === action.choice.pick && c.seen === action.choice.seen) return state;
      return withBranch(state, action.point, action.choice);
    }
    case 'view/restore':
      // Picks this tab made before a reload; the tab's own later picks win.
      return { ...state, view: { ...state.view, branches: { ...action.branches, ...state.view.branches } } };
    case 'paging': {
      const { hasOlder = state.paging.hasOlder, loadingOlder = state.paging.loadingOlder } = action;
      return hasOlder === state.paging.hasOlder && loadingOlder === state.paging.loadingOlder ? state : { ...state, paging: { hasOlder, loadingOlder } };
    }
    case 'local/send-failed': {
      const key = `local:${action.turnId}`;
      const e = state.entries[key];
      if (!e || e.kind !== 'user') return pushError(state, action.error);
      return pushError(put(state, 'entries', key, { ...e, pending: false, failed: action.error }), action.error);
    }
    case 'local/cancel':
      return sendingControl(state, 'cancels', action.controlId, { ...action, turnIds: reachedTurns(state, action.target) });
    case 'local/steer':
      return sendingControl(state, 'steers', action.steerId, action);
    case 'local/approval':
      return sendingControl(state, 'approvals', action.decisionId, action);
    case 'local/retry':
      return sendingControl(state, 'retries', action.retryId, action);
    case 'local/interrupted':
      return markInterrupted(state, action.key);
    case 'local/control-sent':
    case 'local/control-failed': {
      const status = action.type === 'local/control-sent' ? 'sent' : 'failed';
      let next = state;
      for (const table of CONTROL_TABLES) {
        const c = state[table][action.id];
        if (c?.status === 'sending') next = put(next, table, action.id, { ...c, status } as ControlRequest<typeof table>);
      }
      return action.type === 'local/control-failed' ? pushError(next, action.error) : next;
    }
    case 'connection': {
      const c = action.change;
      const connection = { ...state.connection, status: c.status };
      if (c.status === 'connected' && c.resumed) connection.lastResumedAt = action.at;
      return { ...state, connection };
    }
    case 'presence':
      return { ...state, presence: action.members };
    case 'backfill/start':
      // The request is taken now, not when the backfill ends: a gap found while history is in flight
      // (an append that landed after the history read) must ask for another round.
      return { ...state, connection: { ...state.connection, backfilling: true }, needsBackfill: false };
    case 'backfill/done': {
      const connection = { ...state.connection, backfilling: false, hydrated: true };
      if (!action.hydration) {
        connection.backfills = state.connection.backfills + 1;
        connection.lastBackfillAt = action.at;
      }
      return { ...state, connection };
    }
    case 'error':
      return pushError(state, action.error);
    case 'errors/clear':
      return state.errors.length === 0 ? state : { ...state, errors: [] };
  }
}

/** The records of the controls published in the session, each keyed by its own id. */
const CONTROL_TABLES = ['cancels', 'steers', 'approvals', 'retries'] as const;
type ControlTable = (typeof CONTROL_TABLES)[number];
type ControlRequest<T extends ControlTable> = SessionState[T][string];

/** `state` with one value of a keyed record replaced. */
function put<T extends ControlTable | 'agents' | 'entries'>(state: SessionState, table: T, key: string, value: SessionState[T][string]): SessionState {
  return { ...state, [table]: { ...state[table], [key]: value } };
}

/** A control this tab publishes, recorded `sending` once (a publish retried adds nothing). */
function sendingControl<T extends ControlTable>(state: SessionState, table: T, id: string, { type: _type, ...request }: Omit<ControlRequest<T>, 'status'> & { type: string }): SessionState {
  return state[table][id] ? state : put(state, table, id, { ...request, status: 'sending' } as unknown as ControlRequest<T>);
}

/**
 * A control seen on the channel: recorded `sent` when another tab published it; this tab's own is
 * marked `sent`, even after its publish seemed to fail (it landed after all).
 */
function seenControl<T extends Exclude<ControlTable, 'steers'>>(state: SessionState, table: T, id: string, request: Omit<ControlRequest<T>, 'status'>): SessionState {
  const c = state[table][id];
  if (c?.status === 'sent') return state;
  return put(state, table, id, { ...(c ?? request), status: 'sent' } as ControlRequest<T>);
}

/** A control event's own fields (without the message around it), and when it was published. */
function requestOf<E extends SessionEvent>({ type: _t, serial: _s, version: _v, action: _a, clientId: _c, connectionId: _n, timestamp, ...fields }: E) {
  return { ...fields, at: timestamp };
}

function applyEvent(state: SessionState, ev: SessionEvent): SessionState {
  switch (ev.type) {
    case 'user.message':
      return applyUserMessage(state, ev);
    case 'agent.response':
      return applyResponse(state, ev);
    case 'control.cancel':
      return seenControl(state, 'cancels', ev.controlId, { controlId: ev.controlId, target: ev.target, at: ev.timestamp, turnIds: reachedTurns(state, ev.target) });
    case 'control.steer': {
      const s = state.steers[ev.steerId];
      // Like the other controls: a publish that seemed to fail but lands is `sent`; an ack already
      // counted is never undone.
      if (s) return s.status === 'sending' || s.status === 'failed' ? put(state, 'steers', ev.steerId, { ...s, status: 'sent' }) : state;
      return put(state, 'steers', ev.steerId, { ...requestOf(ev), status: 'sent' });
    }
    case 'control.steer-ack': {
      const s = state.steers[ev.steerId];
      // `applied` outranks `rejected`: when several agents answer a turn, one that already finished
      // refuses a steer another still applies, and the outcome must not depend on which ack lands first.
      const rank = { sending: 0, sent: 1, failed: 1, received: 2, rejected: 3, applied: 4 } as const;
      const base = s ?? { steerId: ev.steerId, text: '', target: { kind: 'all' as const }, status: 'sent' as const, at: ev.timestamp };
      if (rank[ev.status] <= rank[base.status]) return state;
      const next = { ...base, status: ev.status, agentId: ev.agentId };
      if (ev.responseId !== undefined) next.responseId = ev.responseId;
      if (ev.reason !== undefined) next.reason = ev.reason;
      else delete next.reason;
      return put(state, 'steers', ev.steerId, next);
    }
    case 'control.approval': {
      const request: Omit<ApprovalRequest, 'status'> = requestOf(ev);
      if (ev.clientId !== undefined) request.clientId = ev.clientId;
      return seenControl(state, 'approvals', ev.decisionId, request);
    }
    case 'control.retry':
      return seenControl(state, 'retries', ev.retryId, requestOf(ev));
    case 'agent.claim':
      // Which instance took a turn over matters to agents; tabs follow the response itself.
      return state;
    case 'agent.status': {
      const prev = state.agents[ev.agentId];
      if (prev && prev.state === ev.state && prev.turnId === ev.turnId) return state;
      const a: { state: typeof ev.state; turnId?: string } = { state: ev.state };
      if (ev.turnId !== undefined) a.turnId = ev.turnId;
      return put(state, 'agents', ev.agentId, a);
    }
  }
}
