// Streams an LLM SDK's output into a turn — plain text chunks, or the Vercel AI SDK's fullStream parts —
// and lets the upstream request go as soon as an explicit cancel fires.
import type { Turn } from './agent-types.js';
import type { AiSdkOptions, StreamPartLike } from './ai-sdk-stream.js';
import { applyPart, iterableOf, type StreamSource } from './stream-parts.js';

export type StreamFromOptions = AiSdkOptions;

/**
 * Pipes a stream into a turn and resolves with the text written. Each chunk is read by its shape:
 * a string is text; an object with a `type` is a Vercel AI SDK `streamText(...).fullStream` part
 * (reasoning, text, tool calls with streamed input, results and errors, approval requests, sources,
 * files), an AI SDK UI message chunk (`result.toUIMessageStream()`), or an AG-UI event, mapped onto
 * the turn's parts; anything else is skipped. An `error` part ends the turn `error`. A `streamText`
 * result itself may be passed: its `fullStream` is read.
 *
 * On an explicit cancel it stops pulling at once (even mid-wait) and calls the iterator's `return()`.
 * Give the model call the turn's signal too (`abortSignal: turn.signal` for `streamText`) so the
 * request itself is aborted. Approval requests put their tool call in `awaiting-approval` in every
 * tab; `approvalResponses(turn)` waits for the decisions and continues the SDK from them.
 *
 * @example
 * handler: (turn) => streamFrom(turn, myLlm.stream(turn.input.text, { signal: turn.signal }))
 * @example
 * handler: (turn) => streamFrom(turn, streamText({ model, prompt: turn.input.text, abortSignal: turn.signal }).fullStream)
 */
export async function streamFrom(turn: Turn, source: StreamSource, options: StreamFromOptions = {}): Promise<string> {
  let written = '';
  let finished = false;
  const it = iterableOf(source)[Symbol.asyncIterator]();
  // One waiter at a time, replaced per chunk: racing a shared promise would keep a reaction per chunk.
  let wake: ((v: 'cancelled') => void) | null = null;
  const onAbort = () => wake?.('cancelled');
  turn.signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (!turn.signal.aborted) {
      // A model that goes quiet must not hold a cancelled turn open until its next chunk.
      const r = await new Promise<IteratorResult<string | StreamPartLike> | 'cancelled'>((resolve, reject) => {
        wake = resolve;
        it.next().then(resolve, reject);
      });
      wake = null;
      if (r === 'cancelled' || turn.signal.aborted) break;
      if (r.done) {
        finished = true;
        break;
      }
      const chunk = r.value;
      if (typeof chunk === 'string') {
        turn.write(chunk);
        written += chunk;
      } else if (chunk !== null && typeof chunk === 'object' && typeof chunk.type === 'string') {
        const before = turn.text.length;
        const outcome = await applyPart(turn, chunk, options);
        written += turn.text.slice(before);
        if (outcome === 'stop') break;
      }
    }
  } finally {
    turn.signal.removeEventListener('abort', onAbort);
    // Not awaited: a stream's return() waits for a pending read, which may never come.
    if (!finished) Promise.resolve(it.return?.()).catch(() => {});
  }
  return written;
}
