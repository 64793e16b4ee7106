/**
 * Routes an obeyed cancel, steer or approval decision to the running turns it targets, and answers a
 * steer that came too late (its turn already ended) with a rejection instead of leaving it pending forever.
 */
import { targetsResponse } from '../core/control-target.js';
import { DurableSessionError } from '../core/errors.js';
import type { build } from '../core/build-event.js';
import type { ApprovalEvent, CancelEvent, ClaimEvent, ControlTarget, SessionEvent, SteerEvent } from '../core/protocol.js';
import type { RecentMap } from '../core/recent.js';
import type { Steer } from './steer-queue.js';
import type { TurnWriter } from './turn-writer.js';

export interface ControlContext {
  agentId: string;
  /** Turns running now, by turn id. */
  running: ReadonlyMap<string, TurnWriter>;
  /** Turns this agent has seen a user message for. */
  seenTurns: ReadonlySet<string>;
  /** turnId → responseId of turns this agent answered and ended. */
  endedTurns: RecentMap<string, string>;
  /** Remembers a turn cancelled before its user message arrived. */
  rememberCancel(turnId: string): void;
  publishAck(p: Parameters<typeof build.steerAck>[0]): void;
}

const TOO_LATE = 'The turn ended before the steer was applied.';

export function routeCancel(ev: CancelEvent, ctx: ControlContext): void {
  let hit = false;
  for (const t of [...ctx.running.values()]) {
    if (targetsResponse(ev.target, t) && !t.signal.aborted) {
      hit = true;
      t.controller.abort(new DurableSessionError('invalid_state', `Cancelled by ${ev.clientId ?? 'a client'}`));
    }
  }
  if (!hit && ev.target.kind === 'turn' && !ctx.seenTurns.has(ev.target.turnId)) ctx.rememberCancel(ev.target.turnId);
}

export function routeSteer(ev: SteerEvent, ctx: ControlContext): void {
  const { agentId } = ctx;
  const t = ev.target;
  let hit = false;
  let ended: string | undefined;
  for (const turn of ctx.running.values()) {
    if (!targetsResponse(t, turn)) continue;
    if (turn.ended) {
      if (t.kind === 'turn' || t.kind === 'response') ended = turn.responseId;
      continue;
    }
    hit = true;
    const s: Steer = ev.clientId === undefined ? { steerId: ev.steerId, text: ev.text } : { steerId: ev.steerId, text: ev.text, clientId: ev.clientId };
    ctx.publishAck({ steerId: ev.steerId, agentId, status: 'received', responseId: turn.responseId });
    turn.steers.push(s);
  }
  if (hit) return;
  // Aimed at a turn this agent already finished (the user steered as the answer ended): say so, or the
  // steer would wait for an acknowledgement forever.
  if (t.kind === 'turn') ended ??= ctx.endedTurns.get(t.turnId);
  else if (t.kind === 'response' && ended === undefined && [...ctx.endedTurns.values()].includes(t.responseId)) ended = t.responseId;
  if (ended !== undefined) {
    ctx.publishAck({ steerId: ev.steerId, agentId, status: 'rejected', responseId: ended, reason: TOO_LATE });
  } else if (t.kind === 'agent' && t.agentId === agentId) {
    ctx.publishAck({ steerId: ev.steerId, agentId, status: 'rejected', reason: `Agent ${agentId} has no running turn to steer.` });
  }
}

/** Rejects the steers a turn never took, once it ended. */
export function rejectUntaken(turn: TurnWriter, ctx: Pick<ControlContext, 'agentId' | 'publishAck'>): void {
  for (const s of turn.steers.close()) {
    ctx.publishAck({ steerId: s.steerId, agentId: ctx.agentId, status: 'rejected', responseId: turn.responseId, reason: TOO_LATE });
  }
}

/**
 * Hands a decision to the turn whose response holds the tool call; the turn takes the first and
 * acknowledges it in the response. A decision on a response this agent does not own is not ours.
 */
export function routeApproval(ev: ApprovalEvent, ctx: Pick<ControlContext, 'running' | 'endedTurns'>, onError: (e: DurableSessionError) => void): void {
  const d = { toolCallId: ev.toolCallId, approved: ev.approved, ...(ev.clientId ? { clientId: ev.clientId } : {}), ...(ev.reason !== undefined ? { reason: ev.reason } : {}) };
  for (const turn of ctx.running.values()) {
    if (turn.responseId !== ev.responseId) continue;
    const refused = turn.decide(d);
    if (refused) onError(refused);
    return;
  }
  if ([...ctx.endedTurns.values()].includes(ev.responseId)) {
    onError(new DurableSessionError('invalid_state', `A decision for tool call ${ev.toolCallId} came after response ${ev.responseId} ended; it was ignored.`, { serial: ev.serial }));
  }
}

/** What a control asks of the policy: its kind and target (undefined for an event that is no control). */
export function controlOf(ev: SessionEvent): { kind: 'cancel' | 'steer' | 'approval' | 'retry'; target: ControlTarget } | undefined {
  switch (ev.type) {
    case 'control.cancel':
      return { kind: 'cancel', target: ev.target };
    case 'control.steer':
      return { kind: 'steer', target: ev.target };
    case 'control.approval':
      return { kind: 'approval', target: { kind: 'response', responseId: ev.responseId } };
    case 'control.retry':
      return { kind: 'retry', target: { kind: 'turn', turnId: ev.turnId } };
    default:
      return undefined;
  }
}

export function notAParticipant(ev: ApprovalEvent): DurableSessionError {
  return new DurableSessionError('unauthorized', `Ignored a decision on tool call ${ev.toolCallId} from ${ev.clientId ?? 'an anonymous client'}: not a participant of the session (authorizeControl).`, { serial: ev.serial });
}

/**
 * Another instance thought this one dead and took one of its turns over: the claim stands (it came
 * first in the channel), so this instance stops writing that response at once.
 */
export function yieldClaimed(ev: ClaimEvent, running: Map<string, TurnWriter>, instance: string): void {
  if (ev.instance === instance || !ev.key.endsWith(`@${instance}`)) return;
  for (const t of running.values()) {
    if (ev.key !== `response:${t.responseId}@${instance}`) continue;
    running.delete(t.turnId);
    t.yieldTo(ev.instance);
  }
}
