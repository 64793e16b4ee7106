// Server-sent events carrying one JSON object per `data:` line — how an AI SDK route streams UI message
// chunks and how an AG-UI HTTP agent streams its events — read from a fetch Response.
import { DurableSessionError } from '../core/errors.js';

/** The chunks of a `text/event-stream` body (`data: {json}` lines, `[DONE]` at the end). */
async function* sseChunks(body: ReadableStream<Uint8Array>, what: string): AsyncGenerator<{ type: string }> {
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
          throw new DurableSessionError('malformed_event', `${what}: a data line is not JSON: ${JSON.stringify(payload.slice(0, 60))}`);
        }
        if (chunk === null || typeof chunk !== 'object' || typeof (chunk as { type?: unknown }).type !== 'string') throw new DurableSessionError('malformed_event', `${what}: a chunk has no type: ${payload.slice(0, 60)}`);
        yield chunk as { type: string };
      }
      if (done) return;
    }
  } finally {
    // Lets the route's stream go when the turn is cancelled mid-read.
    reader.cancel().catch(() => {});
  }
}

/** The JSON objects of a `text/event-stream` Response; a failed or empty response is a typed error. */
export function sseObjects(res: Response): AsyncGenerator<{ type: string }> {
  const what = `The stream from ${res.url || 'the response'}`;
  if (!res.ok) throw new DurableSessionError('transport', `${what} answered ${res.status} ${res.statusText}.`, { statusCode: res.status });
  if (!res.body) throw new DurableSessionError('malformed_event', `${what} has no body.`);
  return sseChunks(res.body, what);
}
