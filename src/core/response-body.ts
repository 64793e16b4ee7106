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
import type { ToolCallState } from './parts.js';
import { choice, fail, fields, FILE_FIELDS, id, isRecord, opt, optId, reasonText, TooLarge, upTo, url, type FieldCheck } from './validate.js';

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

/** Text as it may stand in a body: without record separators. */
export function bodyText(t: string): string {
  return t.includes(RECORD_SEPARATOR) ? t.split(RECORD_SEPARATOR).join('\uFFFD') : t;
}

/** One record, ready to append. */
export function encodeOp(op: BodyOp): string {
  return `${RECORD_SEPARATOR}${JSON.stringify(op)}${RECORD_SEPARATOR}`;
}

const delta = upTo(Limits.maxPartChars);
/** A field a record must carry, whatever its value (JSON has no `undefined`, so absent means missing). */
const present: FieldCheck = (v, field) => (v === undefined ? fail(`${field} is missing`) : v);
const partName: FieldCheck = (v, field) => (typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v) ? v : fail(`${field} must be 1–64 characters of [A-Za-z0-9_-]`));

/** Each record's fields besides `op` and `id`, as {@link fields} checks them. */
const RECORDS: { [K in BodyOp['op']]: { [F in Exclude<keyof Extract<BodyOp, { op: K }>, 'op' | 'id'>]-?: FieldCheck } } = {
  reasoning: { d: delta },
  'reasoning-end': { ms: opt((v, field) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(`${field} must be a non-negative number`))) },
  tool: { name: partName, approval: (v) => v === true || undefined },
  'tool-delta': { d: delta },
  'tool-input': { input: present },
  'tool-state': { state: choice(['awaiting-approval', 'running', 'denied'] as const), by: optId, reason: reasonText },
  'tool-output': { output: (v) => v },
  'tool-error': { error: upTo(4000) },
  source: { url: opt(url(true)), documentId: opt(upTo(500)), title: reasonText },
  file: FILE_FIELDS,
  data: { name: partName, data: present },
};

/** Validates one decoded record. */
export function parseOp(v: unknown): BodyOp {
  if (!isRecord(v)) fail('a part record must be a JSON object');
  const op = v.op as BodyOp['op'];
  if (!Object.hasOwn(RECORDS, op)) fail(`unknown part record ${JSON.stringify(String(op)).slice(0, 40)}; expected ${Object.keys(RECORDS).join(', ')}`);
  const out = { op, id: id(v.id, 'part id'), ...fields<object>(v, op, RECORDS[op], `${op}.`) } as BodyOp;
  if (out.op === 'source' && out.url === undefined && out.documentId === undefined) fail('a source needs a url or a documentId');
  return out;
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
