/**
 * The small validators every parser of untrusted channel data shares: each returns the checked value
 * or throws {@link Invalid}, which the parsers turn into one typed `malformed_event` error.
 */
import { Limits } from './protocol.js';

/** A validation failure; parsers catch it and report a typed error instead. */
export class Invalid extends Error {}

/** A validation failure that is about size, reported as `oversize` rather than `malformed_event`. */
export class TooLarge extends Invalid {}

export function fail(msg: string): never {
  throw new Invalid(msg);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const ID_RE = /^[A-Za-z0-9._:@~-]+$/;

/**
 * Ids and serials key plain objects in the store; a name an object inherits (`constructor`,
 * `toString`, `__proto__`) would look up the prototype instead of an entry.
 */
export function notInherited(v: string, field: string): string {
  if (v === '__proto__' || Object.hasOwn(Object.prototype, v)) fail(`${field} may not be ${JSON.stringify(v)}`);
  return v;
}

export function id(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0) fail(`${field} must be a non-empty string`);
  if (v.length > Limits.maxIdChars) fail(`${field} is longer than ${Limits.maxIdChars} characters`);
  if (!ID_RE.test(v)) fail(`${field} has characters outside [A-Za-z0-9._:@~-]`);
  return notInherited(v, field);
}

export function text(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string') fail(`${field} must be a string`);
  if (v.length > max) fail(`${field} is ${v.length} characters; the limit is ${max}`);
  return v;
}

/** Checks one field of untrusted data and returns it (undefined: leave it out). */
export type FieldCheck = (v: unknown, field: string) => unknown;

/** Makes a check optional: an absent field is left out. */
export const opt =
  (check: FieldCheck): FieldCheck =>
  (v, field) =>
    v === undefined ? undefined : check(v, field);

/** One of the `allowed` strings. */
export const choice =
  <T extends string>(allowed: readonly T[]) =>
  (v: unknown, field: string): T =>
    (allowed as readonly unknown[]).includes(v) ? (v as T) : fail(`${field} must be one of ${allowed.join(', ')}`);

/** A string of at most `max` characters. */
export const upTo =
  (max: number): FieldCheck =>
  (v, field) =>
    text(v, field, max);

export const optId = opt(id) as (v: unknown, field: string) => string | undefined;

export const reasonText = opt(upTo(1000)) as (v: unknown, field: string) => string | undefined;

const URL_RE = /^(https?:|data:|blob:|\/)/i;

/** A URL field: http(s), data or blob, or a path (`./x` too where `relative`). */
export const url =
  (relative: boolean): FieldCheck =>
  (v, field) => {
    const u = text(v, field, 4096);
    return URL_RE.test(u) || (relative && u.startsWith('./')) ? u : fail(`${field} must be an http(s), data or blob URL, or a path`);
  };

/** A file by URL, as a `file` part record and a user's attachment both carry it. */
export const FILE_FIELDS = { mediaType: upTo(200), url: url(true), name: opt(upTo(500)) };

/**
 * Checks an object field by field: one table per event shape instead of a hand-written parser each.
 * Fields the table does not name are dropped. `prefix` names the fields in messages (`file.url`).
 */
export function fields<T>(d: unknown, what: string, spec: Record<string, FieldCheck>, prefix = ''): T {
  if (!isRecord(d)) fail(`${what} must be { ${Object.keys(spec).join(', ')} }`);
  const out: Record<string, unknown> = {};
  for (const k in spec) {
    const v = spec[k](d[k], prefix + k);
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}
