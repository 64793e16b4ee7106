/** Every error the kit reports has one of these codes, so apps can branch without parsing text. */
export type ErrorCode =
  /** An event failed validation (wrong types, missing headers, bad ids). */
  | 'malformed_event'
  /** An event name this version of the kit does not know. */
  | 'unknown_event'
  /** Text over the configured limit; nothing was published. */
  | 'oversize'
  /** A cancel or steer named a response, turn or agent the session does not have. */
  | 'unknown_target'
  /** Text arrived with a hole in it; the session backfills from history. */
  | 'gap'
  /** The transport failed (publish rejected, attach failed, history failed). */
  | 'transport'
  /** A history or resume point is older than the channel keeps. */
  | 'retention'
  /** A key, token or capability was rejected. */
  | 'unauthorized'
  /** A call was made in a state that cannot serve it (e.g. after close). */
  | 'invalid_state'
  /** An argument to a kit function is wrong. */
  | 'invalid_argument';

/** The one error type of the kit. `code` is stable; `message` says what to do. */
export class DurableSessionError extends Error {
  override readonly name = 'DurableSessionError';
  readonly code: ErrorCode;
  readonly serial?: string;
  readonly statusCode?: number;
  override readonly cause?: unknown;

  constructor(code: ErrorCode, message: string, opts: { serial?: string; statusCode?: number; cause?: unknown } = {}) {
    super(message);
    this.code = code;
    if (opts.serial !== undefined) this.serial = opts.serial;
    if (opts.statusCode !== undefined) this.statusCode = opts.statusCode;
    if (opts.cause !== undefined) this.cause = opts.cause;
  }
}

/** Wraps anything thrown by a transport into a `transport` error that keeps the original as `cause`. */
export function toSessionError(e: unknown, context: string): DurableSessionError {
  if (e instanceof DurableSessionError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const statusCode = typeof (e as { statusCode?: unknown })?.statusCode === 'number' ? (e as { statusCode: number }).statusCode : undefined;
  const code: ErrorCode = statusCode === 401 || statusCode === 403 ? 'unauthorized' : 'transport';
  return new DurableSessionError(code, `${context}: ${msg}`, statusCode === undefined ? { cause: e } : { cause: e, statusCode });
}
