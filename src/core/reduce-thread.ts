/**
 * The thread half of the one reducer: user messages and agent responses, applied once each, in
 * order, with a token costing O(1) — the streaming response lives in its own small `live` slot.
 */
import { isFinalStatus, type AgentResponseEvent, type UserMessageEvent } from './protocol.js';
import { applySegments, type PartsResult } from './apply-parts.js';
import type { DurableSessionError } from './errors.js';
import type { Attachment } from './parts.js';
import { entryOf, pushError, type ResponseEntry, type SessionState, type TurnRecord, type UserEntry } from './session-state.js';
import { siblingsAt } from './thread-tree.js';

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

export function addLocalUserMessage(
  state: SessionState,
  a: { turnId: string; text: string; clientId: string; at: number; attachments?: Attachment[]; metadata?: Record<string, unknown>; parent?: string | null; edits?: string },
): SessionState {
  const key = `local:${a.turnId}`;
  if (state.entries[key] || state.turns[a.turnId]?.userKey) return state;
  const entry: UserEntry = { kind: 'user', key, turnId: a.turnId, text: a.text, clientId: a.clientId, timestamp: a.at, pending: true };
  if (a.attachments?.length) entry.attachments = a.attachments;
  if (a.metadata !== undefined) entry.metadata = a.metadata;
  placeInTree(entry, a);
  const next: SessionState = {
    ...state,
    order: [...state.order, key],
    entries: { ...state.entries, [key]: entry },
    turns: { ...state.turns, [a.turnId]: turnRecord(key, state.turns[a.turnId], a.parent) },
  };
  // This tab's own edit is the branch it wants to see, whatever it picked before.
  if (a.edits === undefined || a.parent === undefined) return next;
  const point = a.parent ?? '';
  const { seen } = siblingsAt(state, point);
  return { ...next, view: { ...next.view, branches: { ...next.view.branches, [point]: { pick: a.turnId, seen } } } };
}

function placeInTree(entry: UserEntry, a: { parent?: string | null; edits?: string }): void {
  if (a.parent !== undefined) entry.parent = a.parent;
  if (a.edits !== undefined) entry.edits = a.edits;
}

function turnRecord(userKey: string, prev: TurnRecord | undefined, parent: string | null | undefined): TurnRecord {
  const t: TurnRecord = { userKey, responseKeys: prev?.responseKeys ?? [] };
  if (parent !== undefined) t.parent = parent;
  return t;
}

/**
 * A tab that does not follow new branches keeps showing what it showed when another tab's edit
 * lands: the newest sibling before the edit becomes its pick. Hydration and older pages never pin.
 */
function keepViewOnForeignBranch(state: SessionState, ev: UserMessageEvent): SessionState {
  if (state.view.followBranches || !state.connection.hydrated || state.connection.backfilling || ev.parent === undefined) return state;
  const point = ev.parent ?? '';
  if (state.view.branches[point]) return state;
  const { ids, seen } = siblingsAt(state, point);
  if (ids.length === 0 || ev.serial < seen) return state;
  const shown = ids[ids.length - 1];
  return { ...state, view: { ...state.view, branches: { ...state.view.branches, [point]: { pick: shown, seen: ev.serial } } } };
}

export function applyUserMessage(state: SessionState, ev: UserMessageEvent): SessionState {
  if (entryOf(state, ev.serial)) return state;
  // A second copy of a turn's message: the SDK republishes an unacknowledged message when a
  // connection cannot be resumed (a server restart), so one turn can reach the channel twice.
  const prior = state.turns[ev.turnId]?.userKey;
  if (prior !== undefined && !prior.startsWith('local:')) return state;
  const entry: UserEntry = { kind: 'user', key: ev.serial, turnId: ev.turnId, text: ev.text, timestamp: ev.timestamp, pending: false };
  if (ev.clientId !== undefined) entry.clientId = ev.clientId;
  if (ev.attachments?.length) entry.attachments = ev.attachments;
  if (ev.metadata !== undefined) entry.metadata = ev.metadata;
  placeInTree(entry, ev);
  const localKey = `local:${ev.turnId}`;
  const ours = prior !== undefined;
  const base = ours ? state : keepViewOnForeignBranch(state, ev);
  const entries = { ...base.entries, [ev.serial]: entry };
  let order = base.order;
  if (entries[localKey]) {
    delete entries[localKey];
    order = order.filter((k) => k !== localKey);
  }
  order = insertOrdered(order, ev.serial);
  return { ...base, order, entries, turns: { ...base.turns, [ev.turnId]: turnRecord(ev.serial, base.turns[ev.turnId], ev.parent) } };
}

export function applyResponse(state: SessionState, ev: AgentResponseEvent): SessionState {
  const found = entryOf(state, ev.serial);
  const existing = found?.kind === 'response' ? found : undefined;
  if (!existing) {
    if (found) return state;
    if (ev.action === 'message.append' && ev.offset !== 0) {
      // We never saw this response and the append does not start it: hold a placeholder and backfill.
      const placeholder = newResponse(ev, 'streaming');
      placeholder.version = '';
      placeholder.gap = true;
      return { ...addResponse(state, placeholder), needsBackfill: true };
    }
    const r = newResponse(ev, ev.status);
    const applied = applySegments([], '', ev.segments, 0, ev.serial);
    if (!applied) return state;
    r.parts = applied.parts;
    r.text = applied.text;
    r.size = ev.size;
    if (ev.action === 'message.update' && ev.status === 'streaming') r.resumed = true;
    return withErrors(addResponse(state, r), applied.errors);
  }
  if (ev.version <= existing.version) return state;
  if (isFinalStatus(existing.status) && !existing.interruptedLocally && ev.status === 'streaming' && ev.action === 'message.append') return state;

  let applied: PartsResult | undefined;
  let size: number;
  if (ev.action === 'message.append') {
    const len = existing.size;
    if (existing.gap || ev.offset > len) {
      // A hole: applying this would corrupt the text. Wait for the backfill's aggregated copy.
      if (existing.gap && state.needsBackfill) return state;
      return { ...putResponse(state, { ...existing, gap: true }), needsBackfill: true };
    }
    const skip = len - ev.offset;
    if (skip >= ev.size && ev.status === existing.status && !existing.interruptedLocally) return state;
    applied = skip >= ev.size ? { parts: existing.parts, text: existing.text, errors: [] } : applySegments(existing.parts, existing.text, ev.segments, skip, ev.serial);
    // A copy that overlaps what we hold in the middle of a record cannot be applied in part.
    if (!applied) return { ...putResponse(state, { ...existing, gap: true }), needsBackfill: true };
    size = Math.max(len, ev.offset + ev.size);
  } else {
    applied = applySegments([], '', ev.segments, 0, ev.serial);
    if (!applied) return state;
    size = ev.size;
  }
  const next: ResponseEntry = { ...existing, text: applied.text, parts: applied.parts, size, status: ev.status, version: ev.version };
  delete next.gap;
  delete next.interruptedLocally;
  if (ev.instance !== undefined) next.instance = ev.instance;
  if (ev.action === 'message.update' && existing.status === 'streaming') next.resumed = true;
  if (ev.error !== undefined) next.error = ev.error;
  return withErrors(putResponse(state, next), applied.errors);
}

function withErrors(state: SessionState, errors: readonly DurableSessionError[]): SessionState {
  let s = state;
  for (const e of errors) s = pushError(s, e);
  return s;
}

function newResponse(ev: AgentResponseEvent, status: ResponseEntry['status']): ResponseEntry {
  const r: ResponseEntry = {
    kind: 'response',
    key: ev.serial,
    responseId: ev.responseId,
    agentId: ev.agentId,
    turnId: ev.turnId,
    text: '',
    parts: [],
    size: 0,
    status,
    version: ev.version,
    timestamp: ev.timestamp,
  };
  if (ev.error !== undefined) r.error = ev.error;
  if (ev.instance !== undefined) r.instance = ev.instance;
  return r;
}

/** This tab saw the response's agent instance gone: show it `interrupted` until a live instance writes again. */
export function markInterrupted(state: SessionState, key: string): SessionState {
  const r = state.live[key];
  if (!r || r.status !== 'streaming' || r.gap) return state;
  return putResponse(state, { ...r, status: 'interrupted', interruptedLocally: true });
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
