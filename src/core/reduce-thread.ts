/**
 * The thread half of the one reducer: user messages and agent responses, applied once each, in
 * order, with a token costing O(1) — the streaming response lives in its own small `live` slot.
 */
import { isFinalStatus, type AgentResponseEvent, type UserMessageEvent } from './protocol.js';
import { entryOf, type ResponseEntry, type SessionState, type UserEntry } from './session-state.js';

const isLive = (r: ResponseEntry) => r.status === 'streaming' || r.gap === true;

/**
 * Stores a response where it belongs: streaming (or gapped) ones in `live`, finished ones in
 * `entries`. Only the move from one to the other copies the thread-sized record.
 */
function putResponse(state: SessionState, r: ResponseEntry): SessionState {
  const inLive = Object.prototype.hasOwnProperty.call(state.live, r.key);
  if (isLive(r)) {
    let entries = state.entries;
    if (!inLive && Object.prototype.hasOwnProperty.call(entries, r.key)) {
      entries = { ...entries };
      delete entries[r.key];
    }
    return { ...state, entries, live: { ...state.live, [r.key]: r } };
  }
  let live = state.live;
  if (inLive) {
    live = { ...live };
    delete live[r.key];
  }
  return { ...state, live, entries: { ...state.entries, [r.key]: r } };
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

export function addLocalUserMessage(state: SessionState, turnId: string, text: string, clientId: string, at: number): SessionState {
  const key = `local:${turnId}`;
  if (state.entries[key] || state.turns[turnId]?.userKey) return state;
  const entry: UserEntry = { kind: 'user', key, turnId, text, clientId, timestamp: at, pending: true };
  return {
    ...state,
    order: [...state.order, key],
    entries: { ...state.entries, [key]: entry },
    turns: { ...state.turns, [turnId]: { userKey: key, responseKeys: state.turns[turnId]?.responseKeys ?? [] } },
  };
}

export function applyUserMessage(state: SessionState, ev: UserMessageEvent): SessionState {
  if (entryOf(state, ev.serial)) return state;
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

export function applyResponse(state: SessionState, ev: AgentResponseEvent): SessionState {
  const found = entryOf(state, ev.serial);
  const existing = found?.kind === 'response' ? found : undefined;
  if (!existing) {
    if (found) return state;
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
      return { ...putResponse(state, { ...existing, gap: true }), needsBackfill: true };
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
  return putResponse(state, next);
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
  return putResponse(
    {
      ...state,
      order: insertOrdered(state.order, r.key),
      responses: { ...state.responses, [r.responseId]: r.key },
      turns: { ...state.turns, [r.turnId]: turn ? { ...turn, responseKeys: [...turn.responseKeys, r.key] } : { responseKeys: [r.key] } },
    },
    r,
  );
}
