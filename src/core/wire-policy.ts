/**
 * What a service in front of the broker (the local server, the memory transport) may know about the
 * kit's events, as plain functions: the broker and the server stay free of event names and headers.
 */
import { EventName, Header, isFinalStatus, RESPONSE_STATUSES, type ResponseStatus } from './protocol.js';

/** Where an append says it starts, and how to re-head it when the part before that was already applied. */
export interface OffsetPrecondition {
  /** Length of the message's data before this append. */
  offset: number;
  /** The append's headers, restated for a delta that now starts at `offset`. */
  rebase(offset: number): Record<string, string>;
}

/** The part of a message the policy reads. */
export interface PolicyMessage {
  action: string;
  name: string;
  headers?: Record<string, string> | undefined;
}

export interface WirePolicy {
  /** The precondition an append carries, if any. */
  appendPrecondition(headers: Record<string, string> | undefined): OffsetPrecondition | undefined;
  /** Whether a committed event settles something users come back for, so a store should make it durable now. */
  isSettling(m: PolicyMessage): boolean;
  /** Event names only agents may publish (a service restricts them to a capability). */
  readonly agentOnlyNames: readonly string[];
}

/** The kit's own events, as a {@link WirePolicy}. */
export const sessionWirePolicy: WirePolicy = {
  appendPrecondition(headers) {
    const raw = headers?.[Header.Offset];
    if (raw === undefined || !/^\d{1,9}$/.test(raw)) return undefined;
    return { offset: Number(raw), rebase: (offset) => ({ ...headers, [Header.Offset]: String(offset) }) };
  },
  isSettling(m) {
    if (m.action !== 'message.append') return false;
    const status = m.headers?.[Header.Status];
    return status !== undefined && (RESPONSE_STATUSES as readonly string[]).includes(status) && isFinalStatus(status as ResponseStatus);
  },
  agentOnlyNames: [EventName.AgentResponse, EventName.AgentStatus, EventName.SteerAck, EventName.Claim],
};
