/**
 * What a taker needs to know about a response another instance left unfinished, read from history:
 * its body so far, the turn's question, and the cancels, steers and decisions sent since. Pure.
 */
import { targetsResponse } from '../core/control-target.js';
import { parseEvent } from '../core/parse-event.js';
import { isFinalStatus, type ApprovalEvent, type SessionEvent, type UserMessageEvent, type WireMessage } from '../core/protocol.js';

export interface Orphan {
  responseId: string;
  turnId: string;
  /** The response message's serial. */
  serial: string;
  /** The instance last seen writing it. */
  instance: string;
}

export interface TakeoverScan {
  /** The body as history aggregates it now; undefined when history does not have the response. */
  body?: string;
  /** The response already ended (another taker, or a retry, settled it). */
  final: boolean;
  user?: UserMessageEvent;
  /** A cancel reached the turn, response, agent or everything after the response began. */
  cancelled: boolean;
  /** Steers for it that no instance applied, oldest first. */
  steers: { steerId: string; text: string; clientId?: string }[];
  /** Decisions on its tool calls, oldest first. */
  decisions: ApprovalEvent[];
}

/**
 * Reads `messages` (history, newest first, back to the turn's user message). `obeys` is the agent's
 * control policy: controls it would not obey live do not count here either.
 */
export function scanTakeover(messages: readonly WireMessage[], o: Orphan, agentId: string, obeys: (ev: SessionEvent) => boolean): TakeoverScan {
  const out: TakeoverScan = { final: false, cancelled: false, steers: [], decisions: [] };
  const applied = new Set<string>();
  const target = { turnId: o.turnId, responseId: o.responseId, agentId };
  for (let i = messages.length - 1; i >= 0; i--) {
    const p = parseEvent(messages[i]);
    if (!p.ok) continue;
    const ev = p.event;
    switch (ev.type) {
      case 'user.message':
        if (ev.turnId === o.turnId) out.user = ev;
        break;
      case 'agent.response':
        if (ev.serial !== o.serial) break;
        if (ev.action !== 'message.append') out.body = ev.segments.length === 0 ? '' : bodyOf(messages[i]);
        if (isFinalStatus(ev.status)) out.final = true;
        break;
      case 'control.cancel':
        if (ev.serial > o.serial && targetsResponse(ev.target, target) && obeys(ev)) out.cancelled = true;
        break;
      case 'control.steer':
        if (targetsResponse(ev.target, target) && obeys(ev)) out.steers.push(ev.clientId === undefined ? { steerId: ev.steerId, text: ev.text } : { steerId: ev.steerId, text: ev.text, clientId: ev.clientId });
        break;
      case 'control.steer-ack':
        if (ev.status === 'applied' || ev.status === 'rejected') applied.add(ev.steerId);
        break;
      case 'control.approval':
        if (ev.responseId === o.responseId && obeys(ev)) out.decisions.push(ev);
        break;
      default:
        break;
    }
  }
  out.steers = out.steers.filter((s) => !applied.has(s.steerId));
  return out;
}

function bodyOf(m: WireMessage): string {
  return typeof m.data === 'string' ? m.data : '';
}
