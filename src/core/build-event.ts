/**
 * Builders for the kit's outgoing events, so publishers cannot drift from what `parseEvent` accepts
 * and every message carries the idempotency id derived from its turn, response or control id.
 */
import type { Attachment } from './parts.js';
import { EventName, Header, type AgentState, type ControlTarget, type OutgoingMessage, type ResponseStatus, type SteerAckStatus } from './protocol.js';

/** A control or agent event, with the idempotency id derived from `key`. */
const event = (name: string, data: unknown, key: string): OutgoingMessage => ({ name, data, id: `ds.${key}` });

/** Builders for outgoing events, so publishers cannot drift from what {@link parseEvent} accepts. */
export const build = {
  userMessage(turnId: string, text: string, extra: { attachments?: Attachment[]; metadata?: Record<string, unknown>; parent?: string | null; edits?: string } = {}): OutgoingMessage {
    const data: { text: string; attachments?: Attachment[]; metadata?: Record<string, unknown>; parent?: string | null; edits?: string } = { text };
    if (extra.attachments?.length) data.attachments = extra.attachments;
    if (extra.metadata !== undefined) data.metadata = extra.metadata;
    if (extra.parent !== undefined) data.parent = extra.parent;
    if (extra.edits !== undefined) data.edits = extra.edits;
    return { name: EventName.UserMessage, data, headers: { [Header.Turn]: turnId }, id: `ds.${turnId}` };
  },
  approval(p: { decisionId: string; responseId: string; toolCallId: string; approved: boolean; reason?: string }): OutgoingMessage {
    return event(EventName.Approval, { ...p }, p.decisionId);
  },
  responseHeaders(p: { responseId: string; agentId: string; turnId: string; status: ResponseStatus; offset?: number; error?: string; instance?: string }): Record<string, string> {
    const h: Record<string, string> = {
      [Header.Response]: p.responseId,
      [Header.Agent]: p.agentId,
      [Header.Turn]: p.turnId,
      [Header.Status]: p.status,
    };
    if (p.offset !== undefined) h[Header.Offset] = String(p.offset);
    if (p.error !== undefined) h[Header.Error] = p.error.slice(0, 1000);
    if (p.instance !== undefined) h[Header.Instance] = p.instance;
    return h;
  },
  cancel(controlId: string, target: ControlTarget, reason?: string): OutgoingMessage {
    return event(EventName.Cancel, reason === undefined ? { controlId, target } : { controlId, target, reason }, controlId);
  },
  steer(steerId: string, text: string, target: ControlTarget): OutgoingMessage {
    return event(EventName.Steer, { steerId, text, target }, steerId);
  },
  steerAck(p: { steerId: string; agentId: string; status: SteerAckStatus; responseId?: string; reason?: string }): OutgoingMessage {
    return event(EventName.SteerAck, { ...p }, `${p.steerId}.${p.agentId}.${p.status}`);
  },
  /** A new, empty response; grown with appends carrying {@link build.responseHeaders}. */
  responseCreate(p: { responseId: string; agentId: string; turnId: string; status: ResponseStatus; instance?: string }): OutgoingMessage {
    return { name: EventName.AgentResponse, data: '', headers: build.responseHeaders(p), id: `ds.${p.responseId}` };
  },
  retry(p: { retryId: string; turnId: string; agentId: string; responseId: string; mode: 'retry' | 'regenerate' }): OutgoingMessage {
    return event(EventName.Retry, { ...p }, p.retryId);
  },
  claim(p: { claimId: string; key: string; agentId: string; instance: string }): OutgoingMessage {
    return event(EventName.Claim, { ...p }, p.claimId);
  },
  agentStatus(agentId: string, state: AgentState, turnId?: string): OutgoingMessage {
    return { name: EventName.AgentStatus, data: turnId === undefined ? { agentId, state } : { agentId, state, turnId } };
  },
};
