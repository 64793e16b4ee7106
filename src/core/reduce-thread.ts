/**
 * The thread half of the one reducer: user messages and agent responses, applied once each, in
 * order, with a token costing O(1) — the streaming response lives in its own small `live` slot.
 */
import { isFinalStatus, type AgentResponseEvent, type UserMessageEvent } from './protocol.js';
import { applySegments, type PartsResult } from './apply-parts.js';
import { entryOf, pushError, type BranchChoice, type ResponseEntry, type SessionState, type TurnRecord, type UserEntry } from './session-state.js';
import { siblingsAt } from './thread-tree.js';

const isLive = (r: ResponseEntry) => r.status === 'streaming' || r.gap === true;

/** `record` without `key`: the same object when it has no such key. */
function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!Object.hasOwn(record, key)) return record;
  const out = { ...record };
  delete out[key];
  return out;
}

/**
 * Stores a response where it belongs: streaming (or gapped) ones in `live`, finished ones in
 * `entries`. Only the move from one to the other copies the thread-sized record.
 */
function putResponse(state: SessionState, r: ResponseEntry): SessionState {
  return isLive(r)
    ? { ...state, entries: without(state.entries, r.key), live: { ...state.live, [r.key]: r } }
    : { ...state, live: without(state.live, r.key), entries: { ...state.entries, [r.key]: r } };
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

/** `state` with this tab's pick at one branch point. */
export function withBranch(state: SessionState, point: string, choice: BranchChoice): SessionState {
  return { ...state, view: { ...state.view, branches: { ...state.view.branches, [point]: choice } } };
}

type UserMessageFields = Pick<UserEntry, 'turnId' | 'text' | 'clientId' | 'attachments' | 'metadata' | 'parent' | 'edits'>;

/** The entry of a user message, this tab's optimistic copy (`pending`) or the channel's. */
function userEntry(key: string, m: UserMessageFields, timestamp: number, pending: boolean): UserEntry {
  const entry: UserEntry = { kind: 'user', key, turnId: m.turnId, text: m.text, timestamp, pending };
  if (m.clientId !== undefined) entry.clientId = m.clientId;
  if (m.attachments?.length) entry.attachments = m.attachments;
  if (m.metadata !== undefined) entry.metadata = m.metadata;
  if (m.parent !== undefined) entry.parent = m.parent;
  if (m.edits !== undefined) entry.edits = m.edits;
  return entry;
}

/** `state` with a turn's user message `entry` added to `order` and `entries`; the turn keeps its responses. */
function withUserEntry(state: SessionState, entry: UserEntry, order: string[], entries: SessionState['entries']): SessionState {
  const t: TurnRecord = { userKey: entry.key, responseKeys: state.turns[entry.turnId]?.responseKeys ?? [] };
  if (entry.parent !== undefined) t.parent = entry.parent;
  return { ...state, order, entries: { ...entries, [entry.key]: entry }, turns: { ...state.turns, [entry.turnId]: t } };
}

export function addLocalUserMessage(state: SessionState, a: UserMessageFields & { clientId: string; at: number }): SessionState {
  const key = `local:${a.turnId}`;
  if (state.entries[key] || state.turns[a.turnId]?.userKey) return state;
  const next = withUserEntry(state, userEntry(key, a, a.at, true), [...state.order, key], state.entries);
  // This tab's own edit is the branch it wants to see, whatever it picked before.
  if (a.edits === undefined || a.parent === undefined) return next;
  const point = a.parent ?? '';
  return withBranch(next, point, { pick: a.turnId, seen: siblingsAt(state, point).seen });
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
  return withBranch(state, point, { pick: ids[ids.length - 1], seen: ev.serial });
}

export function applyUserMessage(state: SessionState, ev: UserMessageEvent): SessionState {
  if (entryOf(state, ev.serial)) return state;
  // A second copy of a turn's message: the SDK republishes an unacknowledged message when a
  // connection cannot be resumed (a server restart), so one turn can reach the channel twice.
  const prior = state.turns[ev.turnId]?.userKey;
  if (prior !== undefined && !prior.startsWith('local:')) return state;
  // This tab's own message replaces its optimistic copy.
  const base = prior !== undefined ? state : keepViewOnForeignBranch(state, ev);
  const order = prior !== undefined ? base.order.filter((k) => k !== prior) : base.order;
  return withUserEntry(base, userEntry(ev.serial, ev, ev.timestamp, false), insertOrdered(order, ev.serial), without(base.entries, `local:${ev.turnId}`));
}

export function applyResponse(state: SessionState, ev: AgentResponseEvent): SessionState {
  const found = entryOf(state, ev.serial);
  if (found && found.kind !== 'response') return state;
  const append = ev.action === 'message.append';
  // A response seen first is applied to an empty one without a version, streaming until this copy
  // says otherwise: an append that does not start it then leaves a placeholder waiting for a backfill.
  const existing = found ?? newResponse(ev, append ? 'streaming' : ev.status);
  const store = (s: SessionState, r: ResponseEntry) => (found ? putResponse : addResponse)(s, r);
  const withGap = () => ({ ...store(state, { ...existing, gap: true }), needsBackfill: true });
  if (ev.version <= existing.version) return state;
  if (isFinalStatus(existing.status) && !existing.interruptedLocally && ev.status === 'streaming' && append) return state;

  let applied: PartsResult | undefined;
  let size = ev.size;
  if (append) {
    const len = existing.size;
    if (existing.gap || ev.offset > len) {
      // A hole: applying this would corrupt the text. Wait for the backfill's aggregated copy.
      return existing.gap && state.needsBackfill ? state : withGap();
    }
    const skip = len - ev.offset;
    if (skip < ev.size) applied = applySegments(existing.parts, existing.text, ev.segments, skip, ev.serial);
    else if (found && ev.status === existing.status && !existing.interruptedLocally) return state;
    else applied = { parts: existing.parts, text: existing.text, errors: [] };
    // A copy that overlaps what we hold in the middle of a record cannot be applied in part.
    if (!applied) return withGap();
    size = Math.max(len, ev.offset + ev.size);
  } else {
    applied = applySegments([], '', ev.segments, 0, ev.serial);
    if (!applied) return state;
  }
  const next = named({ ...existing, text: applied.text, parts: applied.parts, size, status: ev.status, version: ev.version }, ev);
  delete next.gap;
  delete next.interruptedLocally;
  if (ev.action === 'message.update' && existing.status === 'streaming') next.resumed = true;
  return pushError(store(state, next), ...applied.errors);
}

/** `r` with the error and the writing instance `ev` names (an event naming none keeps what `r` has). */
function named(r: ResponseEntry, ev: AgentResponseEvent): ResponseEntry {
  if (ev.error !== undefined) r.error = ev.error;
  if (ev.instance !== undefined) r.instance = ev.instance;
  return r;
}

/** A response with nothing applied yet, and no version, so that any copy of it applies. */
function newResponse(ev: AgentResponseEvent, status: ResponseEntry['status']): ResponseEntry {
  return named(
    {
      kind: 'response',
      key: ev.serial,
      responseId: ev.responseId,
      agentId: ev.agentId,
      turnId: ev.turnId,
      text: '',
      parts: [],
      size: 0,
      status,
      version: '',
      timestamp: ev.timestamp,
    },
    ev,
  );
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
