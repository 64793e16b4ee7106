// Routes one object chunk to the adapter that reads it — AG-UI event, AI SDK UI message chunk or
// `fullStream` part — and turns what `streamFrom` is given into one async iterable.
import { applyAgUiEvent, isAgUiEvent, type AgUiEvent } from './ag-ui.js';
import type { Turn } from './agent-types.js';
import { applyAiSdkPart, type AiSdkOptions, type AiSdkStreamPart, type ChunkOutcome, type StreamPartLike } from './ai-sdk-stream.js';
import { sseObjects } from './sse.js';
import { applyUIMessageChunk, isUIMessageChunk, type UIMessageChunkLike } from './ui-message-chunk.js';

/** A `streamText` result (or anything with a `fullStream`): `streamFrom` reads its full stream. */
export interface HasFullStream {
  fullStream: AsyncIterable<StreamPartLike> | ReadableStream<StreamPartLike>;
}

/** What `streamFrom` reads: text or parts as an iterable or stream, a `streamText` result, or a server-sent-events Response. */
export type StreamSource = AsyncIterable<string | StreamPartLike> | ReadableStream<string | StreamPartLike> | HasFullStream | Response;

export function applyPart(turn: Turn, chunk: StreamPartLike, opts: AiSdkOptions): ChunkOutcome | Promise<ChunkOutcome> {
  if (isAgUiEvent(chunk)) return applyAgUiEvent(turn, chunk as AgUiEvent);
  if (isUIMessageChunk(chunk as StreamPartLike & Record<string, unknown>)) return applyUIMessageChunk(turn, chunk as UIMessageChunkLike);
  return applyAiSdkPart(turn, chunk as AiSdkStreamPart, opts);
}

/** Browsers' ReadableStream is not always async-iterable; a reader always works. */
async function* fromReader<T>(stream: ReadableStream<T>): AsyncGenerator<T> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

export function iterableOf(source: StreamSource): AsyncIterable<string | StreamPartLike> {
  if (typeof Response !== 'undefined' && source instanceof Response) return sseObjects(source);
  const s = Symbol.asyncIterator in source ? source : 'fullStream' in source ? source.fullStream : source;
  if (typeof ReadableStream !== 'undefined' && s instanceof ReadableStream) return fromReader(s);
  return s as AsyncIterable<string | StreamPartLike>;
}
