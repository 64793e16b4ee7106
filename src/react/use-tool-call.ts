/**
 * `useToolCall`: one tool call by id — its state as it streams, the response holding it, and the
 * approve / deny actions — re-rendering only when that call (or its response's status) changes.
 */
import { useCallback, useMemo, useRef } from 'react';
import type { ToolCallPart } from '../core/parts.js';
import type { ResponseStatus } from '../core/protocol.js';
import type { ControlResult } from '../core/session-controller.js';
import { entryOf, selectResponse, type ApprovalRequest, type ResponseEntry, type SessionState } from '../core/session-state.js';
import { selectToolCall } from '../core/response-selectors.js';
import { useSessionController } from './session-context.js';
import { shallowObjectEqual, useSessionSelector } from './use-session-selector.js';

/**
 * The response a tool call belongs to, without its text: hooks that follow a tool call must not
 * re-render for every token of the text around it.
 */
export interface ToolCallOwner {
  responseId: string;
  agentId: string;
  turnId: string;
  status: ResponseStatus;
}

export interface UseToolCallParams {
  /** The tool call to follow (`ToolCallPart.toolCallId`). */
  toolCallId: string;
}

export interface UseToolCallResponse {
  /** The call as the store holds it, or undefined until it exists. Keeps its identity while unchanged. */
  toolCall: ToolCallPart | undefined;
  /** The response holding the call. */
  response: ToolCallOwner | undefined;
  /**
   * A decision on this call that the agent has not acknowledged yet — `sending` while this tab
   * publishes it, `sent` once the channel took it (from this tab or another), `failed` if the publish
   * was rejected. Undefined when nobody decided, and once the call left `awaiting-approval`.
   */
  decision: ApprovalRequest | undefined;
  /** Approves the call. Never throws; refused (`invalid_state`) once it was decided. */
  approve: (opts?: { reason?: string }) => Promise<ControlResult>;
  /** Denies the call, optionally saying why; the agent gets the reason. Never throws. */
  deny: (opts?: { reason?: string }) => Promise<ControlResult>;
}

interface Found {
  toolCall: ToolCallPart | undefined;
  responseId: string | undefined;
  agentId: string | undefined;
  turnId: string | undefined;
  status: ResponseStatus | undefined;
  decision: ApprovalRequest | undefined;
}

const partIn = (e: ResponseEntry, toolCallId: string): ToolCallPart | undefined => {
  for (const p of e.parts) if (p.type === 'tool-call' && p.toolCallId === toolCallId) return p;
  return undefined;
};

/** The newest decision on a call still awaiting one. */
export function pendingDecision(s: SessionState, part: ToolCallPart | undefined): ApprovalRequest | undefined {
  if (part?.state !== 'awaiting-approval') return undefined;
  let newest: ApprovalRequest | undefined;
  for (const id in s.approvals) {
    const a = s.approvals[id];
    if (a.toolCallId === part.toolCallId && (!newest || a.at >= newest.at)) newest = a;
  }
  return newest;
}

/**
 * Follows one tool call. Found once by a walk of the thread, then read from its response directly, so
 * a frame costs a look at one response whatever the thread's length.
 *
 * @example
 * const { toolCall, approve } = useToolCall({ toolCallId });
 * if (toolCall?.state === 'awaiting-approval') return <button onClick={() => void approve()}>Approve</button>;
 */
export function useToolCall(params: UseToolCallParams): UseToolCallResponse {
  const { toolCallId } = params;
  const ctrl = useSessionController('useToolCall');
  // Where the call was found, and what the last fruitless walk covered: a call never moves between
  // responses, and a new one appears only in an entry added since, or in one that was streaming then.
  const seen = useRef<{ id: string; responseId?: string; order?: string[]; live?: string[] }>({ id: toolCallId });
  if (seen.current.id !== toolCallId) seen.current = { id: toolCallId };

  const found = useSessionSelector(
    ctrl,
    (s): Found => {
      const memo = seen.current;
      let entry = memo.responseId ? selectResponse(s, memo.responseId) : undefined;
      let part = entry ? partIn(entry, toolCallId) : undefined;
      if (!part) {
        if (memo.order === s.order) {
          for (const k of [...(memo.live ?? []), ...Object.keys(s.live)]) {
            const e = entryOf(s, k);
            part = e?.kind === 'response' ? partIn(e, toolCallId) : undefined;
            if (part) {
              entry = e as ResponseEntry;
              break;
            }
          }
        } else {
          const hit = selectToolCall(s, toolCallId);
          entry = hit?.response;
          part = hit?.part;
        }
        if (part && entry) memo.responseId = entry.responseId;
        else {
          memo.order = s.order;
          memo.live = Object.keys(s.live);
        }
      }
      return {
        toolCall: part,
        responseId: entry?.responseId,
        agentId: entry?.agentId,
        turnId: entry?.turnId,
        status: entry?.status,
        decision: pendingDecision(s, part),
      };
    },
    toolCallId,
    shallowObjectEqual,
  );

  const { responseId, agentId, turnId, status } = found;
  const response = useMemo<ToolCallOwner | undefined>(
    () => (responseId && agentId !== undefined && turnId && status ? { responseId, agentId, turnId, status } : undefined),
    [responseId, agentId, turnId, status],
  );
  const approve = useCallback((opts?: { reason?: string }) => ctrl.approve(toolCallId, opts), [ctrl, toolCallId]);
  const deny = useCallback((opts?: { reason?: string }) => ctrl.deny(toolCallId, opts), [ctrl, toolCallId]);
  return { toolCall: found.toolCall, response, decision: found.decision, approve, deny };
}
