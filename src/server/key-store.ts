// API keys and the tokens issued from them: parsing keys, checking secrets and signatures, and
// issuing self-contained tokens for signed token requests.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BrokerError } from '../broker/index.js';
import { FULL_CAPABILITY, intersect, normaliseCapability, type Capability } from './capability.js';

/** An API key the server accepts, as `appId.keyId:secret`, with the capability it grants. */
export interface KeySpec {
  /** `appId.keyId:secret`. */
  key: string;
  /** What the key (and tokens issued from it) may do. Default `{"*":["*"]}`. */
  capability?: Capability;
}

export interface ServerKey {
  keyName: string;
  secret: string;
  capability: Capability;
}

/** Who is on the other end of a request or connection, and what it may do. */
export interface AuthContext {
  keyName: string;
  capability: Capability;
  /** Client id bound by a token; `*` lets the client pick one. */
  clientId?: string;
  /** Token expiry in ms since the epoch; undefined for key auth. */
  expires?: number;
}

/** Parses and validates a key string; throws with what to fix. */
export function parseKey(spec: string | KeySpec): ServerKey {
  const s = typeof spec === 'string' ? { key: spec } : spec;
  const m = /^([^.:\s]+\.[^.:\s]+):(\S+)$/.exec(s.key);
  if (!m) throw new Error(`Invalid API key ${JSON.stringify(s.key)}: use the form appId.keyId:secret.`);
  return { keyName: m[1], secret: m[2], capability: normaliseCapability(s.capability ?? FULL_CAPABILITY) };
}

/** A fresh random key for a dev server. */
export function generateKey(appId = 'local'): string {
  return `${appId}.${randomBytes(4).toString('hex')}:${randomBytes(18).toString('base64url')}`;
}

/** The fields of a signed TokenRequest as ably-js posts them. */
export interface TokenRequest {
  keyName: string;
  ttl?: number | string;
  capability?: string;
  clientId?: string;
  timestamp: number | string;
  nonce: string;
  mac: string;
}

export interface TokenDetails {
  token: string;
  keyName: string;
  issued: number;
  expires: number;
  capability: string;
  clientId?: string;
}

interface TokenPayload {
  k: string;
  i: number;
  x: number;
  c: Capability;
  u?: string;
}

const DEFAULT_TOKEN_TTL = 60 * 60 * 1000;
const MAX_TOKEN_TTL = 24 * 60 * 60 * 1000;
/** How far a TokenRequest's timestamp may be from the server clock (Ably allows minutes of skew). */
const MAX_CLOCK_SKEW = 10 * 60 * 1000;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Keys and tokens. Tokens are self-contained (payload + HMAC under the issuing key's secret), so they
 * stay valid across a server restart as long as the key does.
 */
export class KeyStore {
  private readonly keys = new Map<string, ServerKey>();
  private readonly nonces = new Map<string, number>();

  constructor(
    keys: ServerKey[],
    private readonly now: () => number = Date.now,
  ) {
    for (const k of keys) this.keys.set(k.keyName, k);
  }

  /** Authenticates a full key string (`appId.keyId:secret`). */
  fromKey(key: string): AuthContext {
    const m = /^([^:]+):(.*)$/.exec(key);
    if (!m) throw new BrokerError(40101, 401, 'Invalid API key format: expected appId.keyId:secret.');
    const k = this.keys.get(m[1]);
    if (!k) throw new BrokerError(40400, 404, `No key named ${m[1]} on this server; use a key printed by \`durable-sessions dev\` or passed in \`keys\`.`);
    if (!safeEqual(k.secret, m[2])) throw new BrokerError(40101, 401, `Invalid credentials: wrong secret for key ${m[1]}.`);
    return { keyName: k.keyName, capability: k.capability };
  }

  /** Authenticates a token string. */
  fromToken(token: string): AuthContext {
    const dot = token.lastIndexOf('.');
    if (dot <= 0) throw new BrokerError(40144, 401, 'Invalid token: not a token issued by this server; request a new one.');
    const body = token.slice(0, dot);
    let payload: TokenPayload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenPayload;
    } catch {
      throw new BrokerError(40144, 401, 'Invalid token: it cannot be decoded; request a new one.');
    }
    const k = typeof payload?.k === 'string' ? this.keys.get(payload.k) : undefined;
    if (!k) throw new BrokerError(40144, 401, 'Invalid token: its key is unknown to this server; request a new one.');
    const mac = createHmac('sha256', k.secret).update(body).digest('base64url');
    if (!safeEqual(mac, token.slice(dot + 1))) throw new BrokerError(40144, 401, 'Invalid token: signature mismatch; request a new one.');
    if (typeof payload.x !== 'number' || payload.x <= this.now()) {
      throw new BrokerError(40142, 401, 'Token expired; request a new one (the SDK renews automatically when it has authUrl, authCallback or a key).');
    }
    const ctx: AuthContext = { keyName: k.keyName, capability: payload.c, expires: payload.x };
    if (payload.u !== undefined) ctx.clientId = payload.u;
    return ctx;
  }

  /** Verifies a signed TokenRequest for `keyName` and issues a token. */
  requestToken(keyName: string, req: TokenRequest): TokenDetails {
    const k = this.keys.get(keyName);
    if (!k) throw new BrokerError(40400, 404, `No key named ${keyName} on this server.`);
    if (!req || typeof req !== 'object' || req.keyName !== keyName) {
      throw new BrokerError(40000, 400, 'Token request keyName does not match the key in the URL.');
    }
    if (typeof req.mac !== 'string' || typeof req.nonce !== 'string') {
      throw new BrokerError(40101, 401, 'Token request is not signed: it needs nonce and mac (create it with auth.createTokenRequest).');
    }
    const ttl = req.ttl === undefined || req.ttl === '' ? '' : String(req.ttl);
    const capability = req.capability ?? '';
    const clientId = req.clientId ?? '';
    const signText = `${req.keyName}\n${ttl}\n${capability}\n${clientId}\n${req.timestamp}\n${req.nonce}\n`;
    const mac = createHmac('sha256', k.secret).update(signText).digest('base64');
    if (!safeEqual(mac, req.mac)) throw new BrokerError(40101, 401, 'Invalid token request: the mac does not match; sign it with the right key secret.');
    const now = this.now();
    const ts = Number(req.timestamp);
    if (!Number.isFinite(ts) || Math.abs(now - ts) > MAX_CLOCK_SKEW) {
      throw new BrokerError(40104, 401, 'Token request timestamp is not current; sync the clock or set queryTime: true.');
    }
    this.pruneNonces(now);
    const nonceKey = `${keyName}:${req.nonce}`;
    if (this.nonces.has(nonceKey)) throw new BrokerError(40105, 401, 'Token request nonce was already used; create a fresh token request.');
    this.nonces.set(nonceKey, ts);
    const ttlMs = ttl === '' ? DEFAULT_TOKEN_TTL : Math.min(MAX_TOKEN_TTL, Math.max(1, Number(ttl)));
    if (!Number.isFinite(ttlMs)) throw new BrokerError(40003, 400, 'Token request ttl must be a number of milliseconds.');
    const cap = capability === '' ? k.capability : intersect(normaliseCapability(capability), k.capability);
    const payload: TokenPayload = { k: keyName, i: now, x: now + ttlMs, c: cap };
    if (clientId !== '') payload.u = clientId;
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const token = `${body}.${createHmac('sha256', k.secret).update(body).digest('base64url')}`;
    const details: TokenDetails = { token, keyName, issued: now, expires: payload.x, capability: JSON.stringify(cap) };
    if (clientId !== '') details.clientId = clientId;
    return details;
  }

  private pruneNonces(now: number): void {
    for (const [n, ts] of this.nonces) if (Math.abs(now - ts) > MAX_CLOCK_SKEW) this.nonces.delete(n);
  }
}
