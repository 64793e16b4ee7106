/**
 * THE reducer. Every change to a session's state goes through here, so the rules that make the
 * session durable hold in one place:
 * - each (message serial, version) is applied at most once, and appends only at the right offset —
 *   replays, duplicate deliveries and overlapping resumes cannot duplicate text;
 * - an append that would leave a hole marks the response `gap` and asks for a backfill;
 * - finished entries keep their object identity, so memoised rows never re-render.
 */
import type { DurableSessionError } from './errors.js';
import { isFinalStatus, type AgentResponseEvent, type ControlTarget, type SessionEvent, type UserMessageEvent } from './protocol.js';
import { turnStatus, type PresenceEntryView, type ResponseEntry, type SessionState, type UserEntry } from './session-state.js';
import type { ConnectionChange } from './transport.js';

export type SessionAction =
  | { type: 'event'; event: SessionEvent }
  | { type: 'local/send'; turnId: string; text: string; clientId: string; at: number }
  | { type: 'local/send-failed'; turnId: string; error: DurableSessionError }
  | { type: 'local/cancel'; controlId: string; target: ControlTarget; at: number }
  | { type: 'local/steer'; steerId: string; text: string; target: ControlTarget; at: number }
  | { type: 'local/control-sent'; id: string }
  | { type: 'local/control-failed'; id: string; error: DurableSessionError }
  | { type: 'connection'; change: ConnectionChange; at: number }
  | { type: 'presence'; members: PresenceEntryView[] }
  | { type: 'backfill/start' }
  | { type: 'backfill/done'; at: number; hydration: boolean }
  | { type: 'error'; error: DurableSessionError };

const MAX_ERRORS = 20;

export function reduceSession(state: SessionState, action: SessionAction): SessionState {
  switch (action.type) {
    case 'event':
      return applyEvent(state, action.event);
    case 'local/send': {
      const key = `local:${action.turnId}`;
      if (state.entries[key] || state.turns[action.turnId]?.userKey) return state;
      const entry: UserEntry = { kind: 'user', key, turnId: action.turnId, text: action.text, clientId: action.clientId, timestamp: action.at, pending: true };
      return {
        ...state,
        order: [...state.order, key],
        entries: { ...state.entries, [key]: entry },
        turns: { ...state.turns, [action.turnId]: { userKey: key, responseKeys: state.turns[action.turnId]?.responseKeys ?? [] } },
      };
    }
    case 'local/send-failed': {
      const key = `local:${action.turnId}`;
      const e = state.entries[key];
      if (!e || e.kind !== 'user') return pushError(state, action.error);
      return pushError({ ...state, entries: { ...state.entries, [key]: { ...e, pending: false, failed: action.error } } }, action.error);
    }
    case 'local/cancel':
      if (state.cancels[action.controlId]) return state;
      return {
        ...state,
        cancels: {
          ...state.cancels,
          [action.controlId]: { controlId: action.controlId, target: action.target, status: 'sending', at: action.at, turnIds: reachedTurns(state, action.target) },
        },
      };
    case 'local/steer':
      if (state.steers[action.steerId]) return state;
      return {
        ...state,
        steers: { ...state.steers, [action.steerId]: { steerId: action.steerId, text: action.text, target: action.target, status: 'sending', at: action.at } },
      };
    case 'local/control-sent':
    case 'local/control-failed': {
      const status = action.type === 'local/control-sent' ? 'sent' : 'failed';
      let next = state;
      const c = state.cancels[action.id];
      if (c && c.status === 'sending') next = { ...next, cancels: { ...next.cancels, [action.id]: { ...c, status } } };
      const s = state.steers[action.id];
      if (s && s.status === 'sending') next = { ...next, steers: { ...next.steers, [action.id]: { ...s, status } } };
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
  }
}

function pushError(state: SessionState, error: DurableSessionError): SessionState {
  const errors = state.errors.length >= MAX_ERRORS ? [...state.errors.slice(1 - MAX_ERRORS), error] : [...state.errors, error];
  return { ...state, errors };
}

function applyEvent(state: SessionState, ev: SessionEvent): SessionState {
  switch (ev.type) {
    case 'user.message':
      return applyUserMessage(state, ev);
    case 'agent.response':
      return applyResponse(state, ev);
    case 'control.cancel': {
      const c = state.cancels[ev.controlId];
      if (c) return c.status === 'sent' ? state : { ...state, cancels: { ...state.cancels, [ev.controlId]: { ...c, status: 'sent' } } };
      return {
        ...state,
        cancels: { ...state.cancels, [ev.controlId]: { controlId: ev.controlId, target: ev.target, status: 'sent', at: ev.timestamp, turnIds: reachedTurns(state, ev.target) } },
      };
    }
    case 'control.steer': {
      const s = state.steers[ev.steerId];
      if (s) return s.status === 'sending' ? { ...state, steers: { ...state.steers, [ev.steerId]: { ...s, status: 'sent' } } } : state;
      return { ...state, steers: { ...state.steers, [ev.steerId]: { steerId: ev.steerId, text: ev.text, target: ev.target, status: 'sent', at: ev.timestamp } } };
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
      return { ...state, steers: { ...state.steers, [ev.steerId]: next } };
    }
    case 'agent.status': {
      const prev = state.agents[ev.agentId];
      if (prev && prev.state === ev.state && prev.turnId === ev.turnId) return state;
      const a: { state: typeof ev.state; turnId?: string } = { state: ev.state };
      if (ev.turnId !== undefined) a.turnId = ev.turnId;
      return { ...state, agents: { ...state.agents, [ev.agentId]: a } };
    }
  }
}

/**
 * The turns a cancel reaches, resolved when it is first applied (in channel order for remote ones):
 * a turn or a response names its own; an agent or `all` reaches only the turns running right then.
 */
function reachedTurns(state: SessionState, t: ControlTarget): string[] {
  if (t.kind === 'turn') return [t.turnId];
  if (t.kind === 'response') {
    const key = state.responses[t.responseId];
    const e = key ? state.entries[key] : undefined;
    return e ? [e.turnId] : [];
  }
  const out: string[] = [];
  for (const turnId in state.turns) {
    const st = turnStatus(state, turnId);
    if (st !== 'pending' && st !== 'streaming') continue;
    if (t.kind === 'all' || state.turns[turnId].responseKeys.some((k) => {
      const r = state.entries[k];
      return r?.kind === 'response' && r.agentId === t.agentId && r.status === 'streaming';
    })) {
      out.push(turnId);
    }
  }
  return out;
}

/** Inserts `key` into `order` after the last smaller serial; optimistic `local:` keys are skipped. */
function insertOrdered(order: string[], key: string): string[] {
  let i = order.length;
  while (i > 0) {
    const k = order[i - 1];
    if (!k.startsWith('local:') && k < key) break;
    i--;
  }
  const out = order.slice();
  out.splice(i, 0, key);
  return out;
}

function applyUserMessage(state: SessionState, ev: UserMessageEvent): SessionState {
  if (state.entries[ev.serial]) return state;
  // A second copy of a turn's message: the SDK republishes an unacknowledged message when a
  // connection cannot be resumed (a server restart), so one turn can reach the channel twice.
  const prior = state.turns[ev.turnId]?.userKey;
  if (prior !== undefined && !prior.startsWith('local:')) return state;
  const entry: UserEntry = { kind: 'user', key: ev.serial, turnId: ev.turnId, text: ev.text, timestamp: ev.timestamp, pending: false };
  if (ev.clientId !== undefined) entry.clientId = ev.clientId;
  const localKey = `local:${ev.turnId}`;
  const entries = { ...state.entries, [ev.serial]: entry };
  let order = state.order;
  if (entries[localKey]) {
    delete entries[localKey];
    order = order.filter((k) => k !== localKey);
  }
  order = insertOrdered(order, ev.serial);
  const prevTurn = state.turns[ev.turnId];
  return {
    ...state,
    order,
    entries,
    turns: { ...state.turns, [ev.turnId]: { userKey: ev.serial, responseKeys: prevTurn?.responseKeys ?? [] } },
  };
}

function applyResponse(state: SessionState, ev: AgentResponseEvent): SessionState {
  const existing = state.entries[ev.serial] as ResponseEntry | undefined;
  if (!existing) {
    if (ev.action === 'message.append' && ev.offset !== 0) {
      // We never saw this response and the append does not start it: hold a placeholder and backfill.
      const placeholder = newResponse(ev, '', 'streaming');
      placeholder.version = '';
      placeholder.gap = true;
      return { ...addResponse(state, placeholder), needsBackfill: true };
    }
    const r = newResponse(ev, ev.text, ev.status);
    if (ev.action === 'message.update' && ev.status === 'streaming') r.resumed = true;
    return addResponse(state, r);
  }
  if (ev.version <= existing.version) return state;
  if (isFinalStatus(existing.status) && ev.status === 'streaming' && ev.action === 'message.append') return state;

  let text: string;
  if (ev.action === 'message.append') {
    const len = existing.text.length;
    if (existing.gap || ev.offset > len) {
      // A hole: applying this would corrupt the text. Wait for the backfill's aggregated copy.
      if (existing.gap && state.needsBackfill) return state;
      return { ...replaceEntry(state, { ...existing, gap: true }), needsBackfill: true };
    }
    const fresh = ev.text.slice(len - ev.offset);
    if (fresh.length === 0 && ev.status === existing.status) return state;
    text = fresh.length === 0 ? existing.text : existing.text + fresh;
  } else {
    text = ev.text;
  }
  const next: ResponseEntry = { ...existing, text, status: ev.status, version: ev.version };
  delete next.gap;
  if (ev.action === 'message.update' && existing.status === 'streaming') next.resumed = true;
  if (ev.error !== undefined) next.error = ev.error;
  return replaceEntry(state, next);
}

function newResponse(ev: AgentResponseEvent, text: string, status: ResponseEntry['status']): ResponseEntry {
  const r: ResponseEntry = {
    kind: 'response',
    key: ev.serial,
    responseId: ev.responseId,
    agentId: ev.agentId,
    turnId: ev.turnId,
    text,
    status,
    version: ev.version,
    timestamp: ev.timestamp,
  };
  if (ev.error !== undefined) r.error = ev.error;
  return r;
}

function addResponse(state: SessionState, r: ResponseEntry): SessionState {
  const turn = state.turns[r.turnId];
  return {
    ...state,
    order: insertOrdered(state.order, r.key),
    entries: { ...state.entries, [r.key]: r },
    responses: { ...state.responses, [r.responseId]: r.key },
    turns: { ...state.turns, [r.turnId]: turn ? { ...turn, responseKeys: [...turn.responseKeys, r.key] } : { responseKeys: [r.key] } },
  };
}

function replaceEntry(state: SessionState, e: ResponseEntry): SessionState {
  return { ...state, entries: { ...state.entries, [e.key]: e } };
}
