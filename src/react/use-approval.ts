/**
 * `useApproval`: every tool call waiting for a person's decision in the session, and the actions
 * that decide them — for an approvals inbox, a badge, or a prompt outside the thread.
 */
import { useCallback } from 'react';
import type { ToolCallPart } from '../core/parts.js';
import type { ControlResult } from '../core/session-controller.js';
import type { SessionState } from '../core/session-state.js';
import { useSessionController } from './session-context.js';
import { useSessionSelector } from './use-session-selector.js';
import type { ToolCallOwner } from './use-tool-call.js';

/** No options yet; the object is there so options can be added without changing the signature. */
export type UseApprovalParams = Record<string, never>;

export interface PendingApproval {
  response: ToolCallOwner;
  part: ToolCallPart;
}

export interface UseApprovalResponse {
  /**
   * Tool calls in `awaiting-approval` in running responses, oldest first. Keeps its identity until a
   * call is added, decided or changes — never per token.
   */
  pending: PendingApproval[];
  /** Approves a waiting call. Never throws: unknown calls resolve `unknown_target`, decided ones `invalid_state`. */
  approve: (toolCallId: string, opts?: { reason?: string }) => Promise<ControlResult>;
  /** Denies a waiting call, optionally with the reason the agent is given. Never throws. */
  deny: (toolCallId: string, opts?: { reason?: string }) => Promise<ControlResult>;
}

function selectPending(s: SessionState): PendingApproval[] {
  const out: PendingApproval[] = [];
  // Only a running response can wait for a decision, and those are all in the small `live` record.
  for (const k of Object.keys(s.live).sort()) {
    const e = s.live[k];
    if (e.status !== 'streaming') continue;
    for (const p of e.parts) {
      if (p.type === 'tool-call' && p.state === 'awaiting-approval') {
        out.push({ response: { responseId: e.responseId, agentId: e.agentId, turnId: e.turnId, status: e.status }, part: p });
      }
    }
  }
  return out;
}

const samePending = (a: PendingApproval[], b: PendingApproval[]) =>
  a.length === b.length && a.every((x, i) => x.part === b[i].part && x.response.responseId === b[i].response.responseId);

/**
 * Tool calls waiting for a person, and approve / deny. A decision from any tab settles the call in
 * every tab; the first one the agent obeys wins.
 *
 * @example
 * const { pending, approve } = useApproval();
 * const buttons = pending.map(({ part }) => <button key={part.id} onClick={() => void approve(part.toolCallId)}>Allow {part.toolName}</button>);
 */
export function useApproval(_params?: UseApprovalParams): UseApprovalResponse {
  const ctrl = useSessionController('useApproval');
  const pending = useSessionSelector(ctrl, selectPending, '', samePending);
  const approve = useCallback((id: string, opts?: { reason?: string }) => ctrl.approve(id, opts), [ctrl]);
  const deny = useCallback((id: string, opts?: { reason?: string }) => ctrl.deny(id, opts), [ctrl]);
  return { pending, approve, deny };
}
