/**
 * What a cancel or steer target reaches: the one reading of `ControlTarget` that the reducer, the
 * controller, the stop button and the agent all share, so they cannot disagree about who is stopped.
 */
import { DurableSessionError } from './errors.js';
import type { ControlTarget } from './protocol.js';
import { entryOf, turnStatus, type CancelRequest, type ResponseEntry, type SessionState } from './session-state.js';
import { selectToolCall } from './response-selectors.js';
import { parseAttachments, parseMetadata } from './parse-event.js';
import { TooLarge } from './validate.js';

/** The identity of one response, as a target sees it. */
export interface TargetedResponse {
  turnId: string;
  responseId: string;
  agentId: string;
}

/** Whether `target` reaches this response. */
export function targetsResponse(target: ControlTarget, r: TargetedResponse): boolean {
  switch (target.kind) {
    case 'all':
      return true;
    case 'agent':
      return target.agentId === r.agentId;
    case 'turn':
      return target.turnId === r.turnId;
    case 'response':
      return target.responseId === r.responseId;
  }
}

function responsesOf(s: SessionState, turnId: string): ResponseEntry[] {
  const out: ResponseEntry[] = [];
  for (const k of s.turns[turnId]?.responseKeys ?? []) {
    const e = entryOf(s, k);
    if (e?.kind === 'response') out.push(e);
  }
  return out;
}

/**
 * The turns a cancel reaches, resolved when it is first applied: a turn or a response names its own;
 * an agent or `all` reaches only the turns running right then (for an agent, those it is streaming).
 */
export function reachedTurns(s: SessionState, target: ControlTarget): string[] {
  if (target.kind === 'turn') return [target.turnId];
  if (target.kind === 'response') {
    const key = s.responses[target.responseId];
    const e = key ? entryOf(s, key) : undefined;
    return e ? [e.turnId] : [];
  }
  const out: string[] = [];
  for (const turnId in s.turns) {
    const st = turnStatus(s, turnId);
    if (st !== 'pending' && st !== 'streaming') continue;
    if (target.kind === 'all' || responsesOf(s, turnId).some((r) => r.status === 'streaming' && targetsResponse(target, r))) out.push(turnId);
  }
  return out;
}

/**
 * The turn a stop button aimed at `target` acts on: the one it names, or the newest turn (of that
 * agent, for an agent target) when it names none.
 */
export function targetedTurn(s: SessionState, target: ControlTarget | undefined): string | undefined {
  if (target?.kind === 'turn') return target.turnId;
  if (target?.kind === 'response') {
    const key = s.responses[target.responseId];
    return key ? entryOf(s, key)?.turnId : undefined;
  }
  for (let i = s.order.length - 1; i >= 0; i--) {
    const e = entryOf(s, s.order[i]);
    if (!e) continue;
    if (target?.kind === 'agent' && (e.kind !== 'response' || !targetsResponse(target, e))) continue;
    return e.turnId;
  }
  return undefined;
}

/** The responses of `turnId` that `target` reaches (all of them without a target). */
export function responsesInScope(s: SessionState, turnId: string, target: ControlTarget | undefined): ResponseEntry[] {
  const all = responsesOf(s, turnId);
  return target ? all.filter((r) => targetsResponse(target, r)) : all;
}

/**
 * Whether cancel `c` stops every response in `scope` of `turnId`. A cancel of one agent or one
 * response does not stop a turn that others still answer, and an agent or `all` cancel reaches only
 * the turns that were running when it was issued.
 */
export function cancelCovers(c: CancelRequest, turnId: string, scope: readonly ResponseEntry[]): boolean {
  if (c.status === 'failed' || !c.turnIds.includes(turnId)) return false;
  if (c.target.kind === 'turn' || c.target.kind === 'all') return true;
  return scope.length > 0 && scope.every((r) => targetsResponse(c.target, r));
}

/** What `target` names that the session does not have, or undefined when it exists. */
export function missingTarget(s: SessionState, target: ControlTarget): { what: string; id: string } | undefined {
  switch (target.kind) {
    case 'response':
      return s.responses[target.responseId] ? undefined : { what: 'response', id: target.responseId };
    case 'turn':
      return s.turns[target.turnId] ? undefined : { what: 'turn', id: target.turnId };
    case 'agent': {
      const known =
        s.agents[target.agentId] !== undefined ||
        Object.keys(s.responses).some((rid) => selectAgentOf(s, rid) === target.agentId) ||
        s.presence.some((p) => p.data.agentId === target.agentId);
      return known ? undefined : { what: 'agent', id: target.agentId };
    }
    case 'all':
      return undefined;
  }
}

function selectAgentOf(s: SessionState, responseId: string): string | undefined {
  const e = entryOf(s, s.responses[responseId]);
  return e?.kind === 'response' ? e.agentId : undefined;
}

/** The newest turn still pending or streaming (skipping a send that failed): what a bare stop or steer aims at. */
export function latestActiveTurn(s: SessionState): string | undefined {
  for (let i = s.order.length - 1; i >= 0; i--) {
    const e = entryOf(s, s.order[i]);
    if (!e) continue;
    const st = turnStatus(s, e.turnId);
    // An interrupted turn still takes a stop: whoever takes it over honours it.
    if ((st === 'pending' || st === 'streaming' || st === 'interrupted') && !(e.kind === 'user' && e.failed)) return e.turnId;
  }
  return undefined;
}

/**
 * The target a cancel or steer is published at — the one given, or the latest active turn — or the
 * error that says why nothing is sent: nothing is running, or the session lacks what it names.
 */
export function resolveControlTarget(s: SessionState, target: ControlTarget | undefined, verb: 'cancel' | 'steer'): ControlTarget | DurableSessionError {
  let resolved = target;
  if (!resolved) {
    const turnId = latestActiveTurn(s);
    if (turnId === undefined) return new DurableSessionError('invalid_state', `Nothing to ${verb}: no turn is pending or streaming.`);
    resolved = { kind: 'turn', turnId };
  }
  const missing = missingTarget(s, resolved);
  return missing ? unknownTarget(s, missing.what, missing.id) : resolved;
}

const unknownTarget = (s: SessionState, what: string, id: string) =>
  new DurableSessionError('unknown_target', `No ${what} ${JSON.stringify(id)} in session ${s.sessionId}; nothing was sent.`);

/** Why a user message or steer text cannot be sent (empty, or over `max`), or undefined when it can. */
export function checkInputText(text: string, max: number, call: string, what: string): DurableSessionError | undefined {
  if (typeof text !== 'string' || text.trim().length === 0) return new DurableSessionError('invalid_argument', `${call} needs non-empty text.`);
  if (text.length > max) return new DurableSessionError('oversize', `The ${what} is ${text.length} characters; the limit is ${max}. Shorten it or raise maxInputChars.`);
  return undefined;
}

/** Why these attachments and metadata cannot be sent, or undefined when they can. */
export function checkSendExtras(extra: { attachments?: unknown; metadata?: unknown }): DurableSessionError | undefined {
  try {
    if (extra.attachments !== undefined) parseAttachments(extra.attachments);
    if (extra.metadata !== undefined) parseMetadata(extra.metadata);
  } catch (e) {
    return new DurableSessionError(e instanceof TooLarge ? 'oversize' : 'invalid_argument', `send(): ${(e as Error).message}.`);
  }
  return undefined;
}

/**
 * The response holding a tool call that waits for a decision, or the error that says why nothing is
 * sent: no such call, or it is not waiting (already decided, or its response ended).
 */
export function checkDecision(s: SessionState, toolCallId: string, reason: string | undefined): ResponseEntry | DurableSessionError {
  if (reason !== undefined && reason.length > 1000) return new DurableSessionError('oversize', `The reason is ${reason.length} characters; the limit is 1000.`);
  const found = selectToolCall(s, toolCallId);
  if (!found) return unknownTarget(s, 'tool call', toolCallId);
  const { part, response } = found;
  if (part.state !== 'awaiting-approval') {
    const why = part.approval ? `it was already ${part.approval.approved ? 'approved' : 'denied'}${part.approval.by ? ` by ${part.approval.by}` : ''}` : `it is ${part.state}, not awaiting approval`;
    return new DurableSessionError('invalid_state', `Tool call ${JSON.stringify(toolCallId)} cannot be decided: ${why}.`);
  }
  if (response.status !== 'streaming') return new DurableSessionError('invalid_state', `Tool call ${JSON.stringify(toolCallId)} cannot be decided: its response ended ${response.status}.`);
  return response;
}

/** The response a retry or regenerate is for, or the error that says why nothing is sent. */
export function checkRetry(s: SessionState, responseId: string, mode: 'retry' | 'regenerate'): ResponseEntry | DurableSessionError {
  const key = s.responses[responseId];
  const r = key ? entryOf(s, key) : undefined;
  if (r?.kind !== 'response') return unknownTarget(s, 'response', responseId);
  if (r.status === 'streaming') return new DurableSessionError('invalid_state', `Response ${responseId} is still streaming; stop it first, or wait for it to finish.`);
  if (mode === 'retry' && r.status === 'complete') return new DurableSessionError('invalid_state', `Response ${responseId} completed; use regenerate() for another answer.`);
  return r;
}
