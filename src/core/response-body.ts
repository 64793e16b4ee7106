/**
 * How a response's parts travel inside its one growing message: plain text as it is, every other
 * part change as a JSON record between two U+001E (record separator) characters.
 *
 * Why this shape: Ably aggregates a message's appends by concatenating their data, so the body must be
 * a string that only ever grows, and one append per batch window must carry every part that changed.
 * Keeping text raw means a text-only response is byte for byte what it always was (no overhead per
 * token, offsets in the same units), and JSON.stringify escapes U+001E inside a record, so a separator
 * can never occur in one. Writers drop U+001E from text. Each append holds whole records only.
 */
import { Limits } from './protocol.js';
import { TOOL_CALL_STATES, type ToolCallState } from './parts.js';
import { fail, id, isRecord, oneOf, optId, optText, text, TooLarge } from './validate.js';

export const RECORD_SEPARATOR = '\u001e';

/** One change to a response's parts, as written into its body. */
export type BodyOp =
  | { op: 'reasoning'; id: string; d: string }
  | { op: 'reasoning-end'; id: string; ms?: number }
  | { op: 'tool'; id: string; name: string; approval?: boolean }
  | { op: 'tool-delta'; id: string; d: string }
  | { op: 'tool-input'; id: string; input: unknown }
  | { op: 'tool-state'; id: string; state: Extract<ToolCallState, 'awaiting-approval' | 'running' | 'denied'>; by?: string; reason?: string }
  | { op: 'tool-output'; id: string; output: unknown }
  | { op: 'tool-error'; id: string; error: string }
  | { op: 'source'; id: string; url?: string; documentId?: string; title?: string }
  | { op: 'file'; id: string; mediaType: string; url: string; name?: string }
  | { op: 'data'; id: string; name: string; data: unknown };

/** A stretch of a body: raw text, or one record. `start`/`end` are offsets in the string parsed. */
export type BodySegment = { start: number; end: number } & ({ kind: 'text'; text: string } | { kind: 'op'; op: BodyOp });

const TOOL_STATES = TOOL_CALL_STATES.filter((s) => s === 'awaiting-approval' || s === 'running' || s === 'denied') as Extract<ToolCallState, 'awaiting-approval' | 'running' | 'denied'>[];
const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** Text as it may stand in a body: without record separators. */
export function bodyText(t: string): string {
  return t.includes(RECORD_SEPARATOR) ? t.split(RECORD_SEPARATOR).join('\uFFFD') : t;
}

/** One record, ready to append. */
export function encodeOp(op: BodyOp): string {
  return `${RECORD_SEPARATOR}${JSON.stringify(op)}${RECORD_SEPARATOR}`;
}

function url(v: unknown, field: string): string {
  const u = text(v, field, 4096);
  if (!/^(https?:|data:|blob:|\/|\.\/)/i.test(u)) fail(`${field} must be an http(s), data or blob URL, or a path`);
  return u;
}

function name(v: unknown, field: string): string {
  if (typeof v !== 'string' || !NAME_RE.test(v)) fail(`${field} must be 1–64 characters of [A-Za-z0-9_-]`);
  return v;
}

/** Validates one decoded record. */
export function parseOp(v: unknown): BodyOp {
  if (!isRecord(v)) fail('a part record must be a JSON object');
  const pid = id(v.id, 'part id');
  switch (v.op) {
    case 'reasoning':
      return { op: 'reasoning', id: pid, d: text(v.d, 'reasoning delta', Limits.maxPartChars) };
    case 'reasoning-end': {
      if (v.ms !== undefined && (typeof v.ms !== 'number' || !Number.isFinite(v.ms) || v.ms < 0)) fail('reasoning-end ms must be a non-negative number');
      return v.ms === undefined ? { op: 'reasoning-end', id: pid } : { op: 'reasoning-end', id: pid, ms: v.ms };
    }
    case 'tool': {
      const op: BodyOp = { op: 'tool', id: pid, name: name(v.name, 'toolName') };
      if (v.approval === true) op.approval = true;
      return op;
    }
    case 'tool-delta':
      return { op: 'tool-delta', id: pid, d: text(v.d, 'tool input delta', Limits.maxPartChars) };
    case 'tool-input':
      if (!('input' in v)) fail('tool-input needs the final input');
      return { op: 'tool-input', id: pid, input: v.input };
    case 'tool-state': {
      const op: BodyOp = { op: 'tool-state', id: pid, state: oneOf(v.state, TOOL_STATES, 'tool state') };
      const by = optId(v.by, 'decided by');
      if (by !== undefined) op.by = by;
      const reason = optText(v.reason, 'reason');
      if (reason !== undefined) op.reason = reason;
      return op;
    }
    case 'tool-output':
      return { op: 'tool-output', id: pid, output: v.output };
    case 'tool-error':
      return { op: 'tool-error', id: pid, error: text(v.error, 'tool error', 4000) };
    case 'source': {
      const op: BodyOp = { op: 'source', id: pid };
      if (v.url !== undefined) op.url = url(v.url, 'source url');
      const doc = optText(v.documentId, 'documentId', 500);
      if (doc !== undefined) op.documentId = doc;
      if (op.url === undefined && op.documentId === undefined) fail('a source needs a url or a documentId');
      const title = optText(v.title, 'source title');
      if (title !== undefined) op.title = title;
      return op;
    }
    case 'file': {
      const op: BodyOp = { op: 'file', id: pid, mediaType: text(v.mediaType, 'mediaType', 200), url: url(v.url, 'file url') };
      const n = optText(v.name, 'file name', 500);
      if (n !== undefined) op.name = n;
      return op;
    }
    case 'data':
      if (!('data' in v)) fail('a data part needs data');
      return { op: 'data', id: pid, name: name(v.name, 'data part name'), data: v.data };
    default:
      return fail(`unknown part record ${JSON.stringify(String(v.op)).slice(0, 40)}; expected reasoning, reasoning-end, tool, tool-delta, tool-input, tool-state, tool-output, tool-error, source, file or data`);
  }
}

/**
 * Splits a body (or one append's delta) into text and records. Throws {@link Invalid} on a record that
 * does not close, is not JSON, is over {@link Limits.maxPartChars}, or is not a known part change.
 */
export function parseBody(body: string): BodySegment[] {
  const out: BodySegment[] = [];
  let at = 0;
  while (at < body.length) {
    const open = body.indexOf(RECORD_SEPARATOR, at);
    if (open === -1) {
      out.push({ kind: 'text', text: at === 0 ? body : body.slice(at), start: at, end: body.length });
      break;
    }
    if (open > at) out.push({ kind: 'text', text: body.slice(at, open), start: at, end: open });
    const close = body.indexOf(RECORD_SEPARATOR, open + 1);
    if (close === -1) fail('a part record does not close (each append must carry whole records)');
    if (close - open - 1 > Limits.maxPartChars) throw new TooLarge(`a part record is ${close - open - 1} characters; the limit is ${Limits.maxPartChars}`);
    let decoded: unknown;
    try {
      decoded = JSON.parse(body.slice(open + 1, close));
    } catch {
      fail('a part record is not valid JSON');
    }
    out.push({ kind: 'op', op: parseOp(decoded), start: open, end: close + 1 });
    at = close + 1;
  }
  return out;
}

/** The visible text of parsed segments. */
export function segmentsText(segments: readonly BodySegment[]): string {
  let t = '';
  for (const s of segments) if (s.kind === 'text') t += s.text;
  return t;
}
