/**
 * `useAgentStream`: follows one agent response as it streams, re-rendering at most once per frame
 * and only for that response.
 */
import type { ResponsePart } from '../core/parts.js';
import type { ResponseStatus } from '../core/protocol.js';
import { entryOf, selectResponse, type ResponseEntry, type SessionState } from '../core/session-state.js';
import { useSessionController } from './session-context.js';
import { useSessionSelector } from './use-session-selector.js';

export interface UseAgentStreamParams {
  /** A response id, or `'latest'` for the newest response in the session. Default `'latest'`. */
  responseId?: string | 'latest';
}

export interface UseAgentStreamResponse {
  /** The text so far ('' before the first token or when there is no response). */
  text: string;
  /**
   * Every part so far, in order — text, reasoning, tool calls, sources, files, `data-*` — shaped like
   * the AI SDK's `UIMessage` parts. A part that did not change keeps its identity.
   */
  parts: ResponsePart[];
  /** `idle` when there is no such response yet. */
  status: ResponseStatus | 'idle';
  agentId: string | undefined;
  responseId: string | undefined;
  turnId: string | undefined;
  /** True when this client picked the response up part-way (reload, late join, backfill). */
  resumed: boolean;
  /** The agent's error message when `status` is `error`. */
  error: string | undefined;
  /** True while text is missing and being fetched from history. */
  catchingUp: boolean;
}

const NO_PARTS: ResponsePart[] = [];

function latestResponse(s: SessionState): ResponseEntry | undefined {
  for (let i = s.order.length - 1; i >= 0; i--) {
    const e = entryOf(s, s.order[i]);
    if (e?.kind === 'response') return e;
  }
  return undefined;
}

/**
 * Follows one response as it streams. Re-renders at most once per animation frame, and only for
 * this response: tokens of other responses do not touch it.
 *
 * @example
 * const { text, status } = useAgentStream({ responseId: 'latest' });
 */
export function useAgentStream(params: UseAgentStreamParams = {}): UseAgentStreamResponse {
  const { responseId = 'latest' } = params;
  const ctrl = useSessionController('useAgentStream');
  const entry = useSessionSelector(ctrl, (s) => (responseId === 'latest' ? latestResponse(s) : selectResponse(s, responseId)), responseId);
  return {
    text: entry?.text ?? '',
    parts: entry?.parts ?? NO_PARTS,
    status: entry?.status ?? 'idle',
    agentId: entry?.agentId,
    responseId: entry?.responseId,
    turnId: entry?.turnId,
    resumed: entry?.resumed ?? false,
    error: entry?.error,
    catchingUp: entry?.gap ?? false,
  };
}
