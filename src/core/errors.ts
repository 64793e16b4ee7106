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

/** Ably error codes (and HTTP statuses) that mean the credentials or capability were refused. */
function isAuthRefusal(code: number | undefined, statusCode: number | undefined): boolean {
  // 401xx (40160 among them: a capability refused) are all token and key refusals.
  return code === 40012 || (code !== undefined && code >= 40100 && code < 40200) || statusCode === 401 || statusCode === 403;
}

/**
 * THE mapping from anything a transport throws (an Ably `ErrorInfo`, the broker's refusal, a plain
 * Error) to a {@link DurableSessionError}: Ably's 40009 is `oversize`, a refused key, token or
 * capability is `unauthorized`, everything else is `transport`. The original is kept as `cause`.
 *
 * @param context What was being done, e.g. `"Publishing user.message failed"`; it starts the message.
 */
export function toSessionError(e: unknown, context: string): DurableSessionError {
  if (e instanceof DurableSessionError) return e;
  const info = (typeof e === 'object' && e !== null ? e : {}) as { code?: unknown; statusCode?: unknown; message?: unknown };
  const code = typeof info.code === 'number' ? info.code : undefined;
  const statusCode = typeof info.statusCode === 'number' ? info.statusCode : undefined;
  const kind: ErrorCode = code === 40009 ? 'oversize' : isAuthRefusal(code, statusCode) ? 'unauthorized' : 'transport';
  const detail = typeof info.message === 'string' ? info.message : String(e);
  return new DurableSessionError(kind, `${context}: ${detail}${code !== undefined ? ` (Ably error ${code})` : ''}`, { statusCode, cause: e });
}
