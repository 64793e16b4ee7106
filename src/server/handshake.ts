// The realtime handshake: who a connect URL says the client is (credentials, clientId), whether it
// may take over the connection it resumes, CONNECTED and its details, token expiry and renewal.
import type { WebSocket } from 'ws';
import { BrokerError } from '../broker/index.js';
import { encode, formatParam, type Format } from './codec.js';
import type { Connection } from './connection.js';
import { resolveCredentials } from './credentials.js';
import type { AuthContext, KeyStore } from './key-store.js';
import { Action, errorInfo, type ErrorInfoWire } from './wire.js';

/** What CONNECTED promises the client. */
export interface ConnectionLimits {
  connectionStateTtl: number;
  maxIdleInterval: number;
  maxMessageSize: number;
  serverId: string;
}

/** The client a connect URL identifies. */
export interface Identity {
  auth: AuthContext;
  clientId: string | undefined;
  format: Format;
}

/** What CONNECTED carries when `resume=` named a connection this server no longer has. */
export const RESUME_REFUSED: ErrorInfoWire = {
  code: 80018,
  statusCode: 400,
  message: 'Unable to resume the connection: its key is unknown or expired (the server restarted or connectionStateTtl passed). Channels re-attach; backfill from history.',
};

/** The client id a token binds, unless it lets the client choose one (`*`). */
function boundClientId(auth: AuthContext): string | undefined {
  return auth.clientId !== undefined && auth.clientId !== '*' ? auth.clientId : undefined;
}

/** Reads a connect URL's format, credentials and clientId; throws a BrokerError saying what to fix. */
export function identify(keys: KeyStore, q: URLSearchParams): Identity {
  const format = formatParam(q.get('format'));
  const auth = resolveCredentials(keys, q);
  let clientId = boundClientId(auth);
  const asked = q.get('clientId') ?? undefined;
  if (asked !== undefined) {
    if (asked === '*') throw new BrokerError(40012, 400, 'clientId "*" is not a valid client id; use a concrete id.');
    if (clientId !== undefined && asked !== clientId) {
      throw new BrokerError(40102, 401, `clientId "${asked}" conflicts with the token's clientId "${clientId}".`);
    }
    clientId = asked;
  }
  return { auth, clientId, format };
}

/**
 * Ends a socket whose connect URL was refused with an ERROR saying why, in the format the client
 * reads (JSON when the format itself was the problem), so the SDK reports it instead of retrying.
 */
export function refuseHandshake(ws: WebSocket, q: URLSearchParams, e: unknown): void {
  let format: Format = 'json';
  try {
    format = formatParam(q.get('format'));
  } catch {
    // The format is what was refused; JSON is all that can be said.
  }
  ws.send(encode({ action: Action.ERROR, error: errorInfo(e) }, format));
  ws.close();
}

/** Whether a client that identified as `who` may resume `old`: same key, same client, not closed. */
export function canResume(old: Connection | undefined, who: Identity): old is Connection {
  return old !== undefined && !old.closed && old.auth.keyName === who.auth.keyName && old.clientId === who.clientId;
}

export function connectedFrame(c: Connection, limits: ConnectionLimits, error?: ErrorInfoWire): Record<string, unknown> {
  const details: Record<string, unknown> = {
    connectionKey: c.key,
    connectionStateTtl: limits.connectionStateTtl,
    maxIdleInterval: limits.maxIdleInterval,
    maxMessageSize: limits.maxMessageSize,
    maxInboundRate: 10_000,
    serverId: limits.serverId,
  };
  if (c.clientId !== undefined) details.clientId = c.clientId;
  const frame: Record<string, unknown> = { action: Action.CONNECTED, connectionId: c.id, connectionDetails: details };
  if (error) frame.error = error;
  return frame;
}

/** Like Ably: an expired token ends the transport with a token error; the SDK renews and resumes. */
export function scheduleTokenExpiry(c: Connection): void {
  clearTimeout(c.tokenTimer);
  if (c.auth.expires === undefined) return;
  c.tokenTimer = setTimeout(() => {
    c.send({ action: Action.DISCONNECTED, error: { code: 40142, statusCode: 401, message: 'Token expired; renew it and reconnect.' } });
    c.ws?.close();
  }, Math.max(0, c.auth.expires - Date.now()));
  c.tokenTimer.unref();
}

/** The auth an AUTH frame's new token grants `c`; throws when it carries none or binds another client. */
export function renewedAuth(keys: KeyStore, c: Connection, msg: Record<string, unknown>): AuthContext {
  const auth = msg.auth as { accessToken?: unknown } | undefined;
  if (typeof auth?.accessToken !== 'string') throw new BrokerError(40101, 401, 'AUTH needs auth.accessToken.');
  const next = keys.fromToken(auth.accessToken);
  const bound = boundClientId(next);
  if (bound !== undefined && c.clientId !== undefined && bound !== c.clientId) {
    throw new BrokerError(40102, 401, `The new token's clientId "${bound}" differs from the connection's "${c.clientId}".`);
  }
  return next;
}
