// The two formats the ably SDK speaks — JSON and msgpack (through the codec the SDK itself uses) — for
// realtime frames and REST bodies alike, and how binary message data travels in each.
import { decode as unpack, encode as pack } from '@ably/msgpack-js';
import { BrokerError } from '../broker/index.js';

export type Format = 'json' | 'msgpack';

export const CONTENT_TYPE: Record<Format, string> = { json: 'application/json', msgpack: 'application/x-msgpack' };

const OPTION_HINT = 'the ably SDK chooses between them with the useBinaryProtocol client option';

/** The format a connect URL's or REST query's `format` names; throws 40003 naming the option for any other. */
export function formatParam(value: string | null): Format {
  if (value === null || value === '' || value === 'json') return 'json';
  if (value === 'msgpack') return 'msgpack';
  throw new BrokerError(40003, 400, `Unsupported format "${value}": the local server speaks json and msgpack (${OPTION_HINT}).`);
}

/** The format of a REST request body, from its Content-Type. */
export function bodyFormat(contentType: string | undefined): Format {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-msgpack') return 'msgpack';
  if (type === '' || type === 'application/json' || type === 'text/plain') return 'json';
  throw new BrokerError(40001, 415, `Unsupported Content-Type "${type}": send application/json or application/x-msgpack (${OPTION_HINT}).`);
}

/** The format a REST reply is written in: `format=` when given, else what `Accept` prefers. */
export function replyFormat(query: URLSearchParams, accept: string | undefined): Format {
  const asked = query.get('format');
  if (asked !== null) return formatParam(asked);
  return accept?.includes('application/x-msgpack') ? 'msgpack' : 'json';
}

/** Encodes a frame or body. Binary data must already be Buffers (see {@link wireData}). */
export function encode(value: unknown, format: Format): string | Buffer {
  // Sparse, like the SDK: null and undefined fields are left out rather than sent as nil.
  return format === 'msgpack' ? pack(value, true) : JSON.stringify(value);
}

/** Decodes a frame or body; throws (any error) when it is not valid in `format`. */
export function decode(raw: Buffer, format: Format): unknown {
  return format === 'msgpack' ? unpack(raw) : JSON.parse(raw.toString('utf8'));
}

/** A protocol message decoded from a WebSocket frame, or undefined when the frame is not one. */
export function decodeFrame(raw: Buffer, isBinary: boolean, format: Format): Record<string, unknown> | undefined {
  // A msgpack client sends binary frames only; a text frame there is a client speaking the wrong format.
  if (format === 'msgpack' && !isBinary) return undefined;
  let parsed: unknown;
  try {
    parsed = decode(raw, format);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Buffer.isBuffer(parsed)) return undefined;
  return typeof (parsed as { action?: unknown }).action === 'number' ? (parsed as Record<string, unknown>) : undefined;
}

/**
 * A payload as `format` carries it: text as is, binary as raw bytes in msgpack and base64 in JSON,
 * anything else as JSON text — each with the `encoding` the SDK decodes it by.
 */
export function wireData(data: unknown, format: Format): { data?: unknown; encoding?: string } {
  if (data === undefined || data === null) return {};
  if (typeof data === 'string') return { data };
  if (data instanceof Uint8Array) {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return format === 'msgpack' ? { data: bytes } : { data: bytes.toString('base64'), encoding: 'base64' };
  }
  return { data: JSON.stringify(data), encoding: 'json' };
}
