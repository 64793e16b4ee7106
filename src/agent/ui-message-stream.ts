// Pipes an AI SDK UI message stream — what an existing `/api/chat` route returns — into a turn, so a
// route handler stays as it is and its answer becomes durable.
import type { Turn } from './agent-types.js';
import { ForeignToolCalls } from './foreign-tool-calls.js';
import { streamFrom } from './stream-from.js';
import { UI_STREAM as PROTOCOL, type UIMessageChunkLike } from './ui-message-chunk.js';

/**
 * Pipes a UI message stream into a turn and resolves with the text written: a route handler's
 * `Response` (from `result.toUIMessageStreamResponse()` or `createUIMessageStreamResponse`), or the
 * stream itself (`result.toUIMessageStream()`). Stops on an explicit cancel, like `streamFrom`.
 *
 * @example
 * handler: async (turn) =>
 *   pipeUIMessageStream(turn, await chatRoute(new Request('http://worker/api/chat', { method: 'POST', body: JSON.stringify({ prompt: turn.input.text }), signal: turn.signal }))),
 */
export async function pipeUIMessageStream(turn: Turn, source: Response | ReadableStream<UIMessageChunkLike> | AsyncIterable<UIMessageChunkLike>): Promise<string> {
  return streamFrom(turn, source as AsyncIterable<UIMessageChunkLike> | Response);
}

/**
 * The session's decisions on approvals a UI message stream asked for in this turn (each once), when
 * all are decided: what the route needs, as `addToolApprovalResponse` would give it, to continue.
 */
export async function uiApprovalResponses(turn: Turn): Promise<{ approvalId: string; toolCallId: string; approved: boolean; reason?: string }[]> {
  const pending = ForeignToolCalls.of(turn, PROTOCOL).approvals.filter((a) => !a.handedOut);
  for (const a of pending) a.handedOut = true;
  return Promise.all(
    pending.map(async (a) => {
      const d = await a.decision;
      return d.reason === undefined ? { approvalId: a.approvalId, toolCallId: a.toolCallId, approved: d.approved } : { approvalId: a.approvalId, toolCallId: a.toolCallId, approved: d.approved, reason: d.reason };
    }),
  );
}
