// Streams an AsyncIterable of text chunks (an LLM SDK's stream) into a turn, and lets the upstream
// request go as soon as an explicit cancel fires.
import type { Turn } from './agent-types.js';

/**
 * Pipes any `AsyncIterable<string>` (an LLM SDK's text stream, say) into a turn. Stops pulling — and
 * calls the iterator's `return()` so the upstream request can be aborted — as soon as the turn's
 * signal fires. Resolves with the text written.
 *
 * @example
 * handler: (turn) => streamFrom(turn, myLlm.stream(turn.input.text, { signal: turn.signal }))
 */
export async function streamFrom(turn: Turn, source: AsyncIterable<string>): Promise<string> {
  let written = '';
  const it = source[Symbol.asyncIterator]();
  try {
    while (!turn.signal.aborted) {
      const r = await it.next();
      if (r.done || turn.signal.aborted) break;
      if (typeof r.value !== 'string') continue;
      turn.write(r.value);
      written += r.value;
    }
  } finally {
    if (turn.signal.aborted) await it.return?.();
  }
  return written;
}
