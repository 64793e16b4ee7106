// Pipes an AI SDK UI message stream — what an existing `/api/chat` route returns — into a turn, so a
// route handler stays as it is and its answer becomes durable.
import { DurableSessionError } from '../core/errors.js';
import type { Turn } from './agent-types.js';
import { ForeignToolCalls } from './foreign-tool-calls.js';
import { streamFrom } from './stream-from.js';
import { UI_STREAM as PROTOCOL, type UIMessageChunkLike } from './ui-message-chunk.js';

/** The chunks of a `text/event-stream` body (`data: {json}` lines, `[DONE]` at the end). */
async function* sseChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<UIMessageChunkLike> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('data:')) continue;
        const payload = line.slice(5).trim();
        if (payload === '[DONE]' || payload === '') continue;
        let chunk: unknown;
        try {
          chunk = JSON.parse(payload);
        } catch {
          throw new DurableSessionError('malformed_event', `${PROTOCOL}: a data line is not JSON: ${JSON.stringify(payload.slice(0, 60))}`);
        }
        if (chunk === null || typeof chunk !== 'object' || typeof (chunk as { type?: unknown }).type !== 'string') throw new DurableSessionError('malformed_event', `${PROTOCOL}: a chunk has no type: ${payload.slice(0, 60)}`);
        yield chunk as UIMessageChunkLike;
      }
      if (done) return;
    }
  } finally {
    // Lets the route's stream go when the turn is cancelled mid-read.
    reader.cancel().catch(() => {});
  }
}

/**
 * Pipes a UI message stream into a turn and resolves with the text written: a route handler's
 * `Response` (from `result.toUIMessageStreamResponse()` or `createUIMessageStreamResponse`), or the
 * stream itself (`result.toUIMessageStream()`). Stops on an explicit cancel, like `streamFrom`.
 *
 * @example
 * handler: async (turn) => pipeUIMessageStream(turn, await POST(new Request('http://local/api/chat', {
 *   method: 'POST', body: JSON.stringify({ messages: [{ id: turn.turnId, role: 'user', parts: [{ type: 'text', text: turn.input.text }] }] }),
 *   signal: turn.signal })))
 */
export async function pipeUIMessageStream(turn: Turn, source: Response | ReadableStream<UIMessageChunkLike> | AsyncIterable<UIMessageChunkLike>): Promise<string> {
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (!source.ok) throw new DurableSessionError('transport', `${PROTOCOL}: the route answered ${source.status} ${source.statusText}.`, { statusCode: source.status });
    if (!source.body) throw new DurableSessionError('malformed_event', `${PROTOCOL}: the route's response has no body.`);
    return streamFrom(turn, sseChunks(source.body));
  }
  return streamFrom(turn, source as AsyncIterable<UIMessageChunkLike>);
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
