/**
 * What an agent learns on start from the session's history: which turns are answered, which still
 * wait (and whether they were already cancelled), who spoke, and the conversation so far. Pure.
 */
import { parseEvent } from '../core/parse-event.js';
import { isFinalStatus, type AgentResponseEvent, type ClaimEvent, type UserMessageEvent, type WireMessage } from '../core/protocol.js';

export interface HistoryScan {
  /** Newest serial seen. */
  lastSerial: string;
  /** Turns answered (by this agent) or too old to answer now. */
  seenTurns: string[];
  /** Keys of controls already published (`c:<controlId>`, `s:<steerId>`), so a replay is not obeyed twice. */
  seenControls: string[];
  /** Turns a cancel already reached before anyone answered them. */
  cancelledTurns: string[];
  /** Client ids that published a user message. */
  speakers: string[];
  /** Every question and every finished answer, in channel order: what the conversation log is built from. */
  conversation: (UserMessageEvent | AgentResponseEvent)[];
  /** Recent user messages no response of this agent answers yet, oldest first. */
  unanswered: UserMessageEvent[];
  /** Every user message, oldest first: what a retry or takeover answers. */
  questions: UserMessageEvent[];
  /** This agent's responses and every claim, oldest first: what a takeover watch starts from. */
  agentEvents: (AgentResponseEvent | ClaimEvent)[];
}

export interface HistoryScanOptions {
  agentId: string;
  /** Answer user messages newer than `now - answerPendingWithinMs`; 0 answers none. */
  answerPendingWithinMs: number;
  now: number;
}

/** Scans messages given oldest first. */
export function scanHistory(messages: readonly WireMessage[], o: HistoryScanOptions): HistoryScan {
  const events = [];
  for (const m of messages) {
    const p = parseEvent(m);
    if (p.ok) events.push(p.event);
  }
  const answered = new Set<string>();
  for (const ev of events) if (ev.type === 'agent.response' && ev.agentId === o.agentId) answered.add(ev.turnId);
  const out: HistoryScan = { lastSerial: '', seenTurns: [], seenControls: [], cancelledTurns: [], speakers: [], conversation: [], unanswered: [], questions: [], agentEvents: [] };
  const cutoff = o.now - o.answerPendingWithinMs;
  for (const ev of events) {
    if (ev.serial > out.lastSerial) out.lastSerial = ev.serial;
    switch (ev.type) {
      case 'user.message':
        out.questions.push(ev);
        out.conversation.push(ev);
        if (ev.clientId !== undefined) out.speakers.push(ev.clientId);
        if (o.answerPendingWithinMs > 0 && !answered.has(ev.turnId) && ev.timestamp >= cutoff) out.unanswered.push(ev);
        else out.seenTurns.push(ev.turnId);
        break;
      case 'agent.response':
        if (isFinalStatus(ev.status)) out.conversation.push(ev);
        if (ev.agentId === o.agentId) out.agentEvents.push(ev);
        break;
      case 'agent.claim':
        out.agentEvents.push(ev);
        break;
      case 'control.approval':
        out.seenControls.push(`a:${ev.decisionId}`);
        break;
      case 'control.retry':
        out.seenControls.push(`r:${ev.retryId}`);
        break;
      case 'control.cancel': {
        out.seenControls.push(`c:${ev.controlId}`);
        const t = ev.target;
        if (t.kind === 'turn') out.cancelledTurns.push(t.turnId);
        // "Stop everything" (or this agent) reaches every turn that was waiting when it was sent.
        else if (t.kind === 'all' || (t.kind === 'agent' && t.agentId === o.agentId)) for (const u of out.unanswered) out.cancelledTurns.push(u.turnId);
        break;
      }
      case 'control.steer':
        out.seenControls.push(`s:${ev.steerId}`);
        break;
      default:
        break;
    }
  }
  return out;
}
