// The one reading of a client's credentials, for the realtime handshake and REST alike: a key or a
// token, however it was sent, becomes the AuthContext it grants.
import { BrokerError } from '../broker/index.js';
import type { AuthContext, KeyStore } from './key-store.js';

const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

/**
 * Authenticates an `Authorization` header (Basic base64(key) or Bearer base64(token)), else the
 * `access_token=` or `key=` query parameter. Throws 40101 when there is none.
 */
export function resolveCredentials(keys: KeyStore, query: URLSearchParams, authorization?: string): AuthContext {
  if (authorization?.startsWith('Basic ')) return keys.fromKey(decode(authorization.slice(6)));
  if (authorization?.startsWith('Bearer ')) return keys.fromToken(decode(authorization.slice(7)));
  const token = query.get('access_token');
  if (token) return keys.fromToken(token);
  const key = query.get('key');
  if (key) return keys.fromKey(key);
  throw new BrokerError(40101, 401, 'No credentials: connect with key=… or access_token=…, or send Authorization: Basic base64(key) or Bearer base64(token).');
}
