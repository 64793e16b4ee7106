// Ably's REST API over the broker, as much of it as the SDK uses: history, one message, presence,
// server time and token requests.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BrokerError, START_SERIAL, type Broker, type HistoryOptions } from '../broker/index.js';
import { can, capabilityBreach } from './capability.js';
import { resolveCredentials } from './credentials.js';
import type { KeyStore, TokenRequest } from './key-store.js';
import type { MemberIds } from './member-ids.js';
import { errorInfo, toAblyMessage, toAblyPresence } from './wire.js';

const MAX_BODY = 1024 * 1024;

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

function cors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  if (origin) {
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  }
  res.setHeader('Access-Control-Expose-Headers', 'Link, X-Ably-ErrorCode, X-Ably-ErrorMessage, X-Ably-ServerId');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new BrokerError(40009, 413, `Request body is larger than ${MAX_BODY} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Serials are time-prefixed, so a time bound becomes a serial bound. */
function timeBound(ms: string, upper: boolean): string {
  const n = Math.max(0, Math.floor(Number(ms)));
  if (!Number.isFinite(n)) throw new BrokerError(40003, 400, 'start and end must be times in ms since the epoch.');
  return `${String(n).padStart(14, '0')}-${upper ? '999~' : '000'}`;
}

/** Ably's REST API, as much of it as the SDK uses for history, presence, time and tokens. */
export class Rest {
  constructor(
    private readonly broker: Broker,
    private readonly keys: KeyStore,
    private readonly memberIds: MemberIds,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    cors(req, res);
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? 'Authorization, Content-Type, X-Ably-Version, Ably-Agent');
      res.setHeader('Access-Control-Max-Age', '86400');
      res.writeHead(204).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://local');
    const envelope = url.searchParams.get('envelope') === 'json';
    let reply: Reply;
    try {
      reply = await this.route(req, url);
    } catch (e) {
      const err = errorInfo(e);
      reply = {
        status: err.statusCode,
        body: { error: err },
        headers: { 'X-Ably-ErrorCode': String(err.code), 'X-Ably-ErrorMessage': encodeURIComponent(err.message) },
      };
    }
    if (envelope) {
      // Browsers that cannot read headers ask for everything in the body.
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k.toLowerCase()] = v;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ statusCode: reply.status, headers, response: reply.body }));
      return;
    }
    res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  private async route(req: IncomingMessage, url: URL): Promise<Reply> {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (req.method === 'GET' && parts.length === 1 && parts[0] === 'time') return { status: 200, body: [Date.now()] };
    if (req.method === 'POST' && parts.length === 3 && parts[0] === 'keys' && parts[2] === 'requestToken') {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (e) {
        if (e instanceof BrokerError) throw e;
        throw new BrokerError(40000, 400, 'Token request body must be JSON.');
      }
      return { status: 200, body: this.keys.requestToken(parts[1], body as TokenRequest) };
    }
    if (req.method === 'GET' && parts[0] === 'channels' && parts.length >= 3) {
      const channel = parts[1];
      const auth = resolveCredentials(this.keys, url.searchParams, req.headers.authorization);
      if (parts[2] === 'messages' && parts.length === 3) {
        if (!can(auth.capability, channel, 'history')) throw capabilityBreach(channel, 'history');
        return this.history(channel, url);
      }
      if (parts[2] === 'messages' && parts.length === 4) {
        if (!can(auth.capability, channel, 'history')) throw capabilityBreach(channel, 'history');
        const m = this.broker.has(channel) ? this.broker.channel(channel).get(parts[3]) : undefined;
        if (!m) throw new BrokerError(40400, 404, `No message with serial ${parts[3]} on channel ${channel}.`);
        return { status: 200, body: toAblyMessage(m) };
      }
      if (parts[2] === 'presence' && parts.length === 3) {
        if (!can(auth.capability, channel, 'presence') && !can(auth.capability, channel, 'subscribe')) {
          throw capabilityBreach(channel, 'subscribe');
        }
        const members = this.broker.has(channel) ? this.broker.channel(channel).presence.list() : [];
        return { status: 200, body: members.map((m) => toAblyPresence(m, 'present', this.memberIds.of(channel, m))) };
      }
    }
    throw new BrokerError(40400, 404, `No such endpoint: ${req.method} ${url.pathname}.`);
  }

  private history(channel: string, url: URL): Reply {
    const q = url.searchParams;
    const direction = q.get('direction') === 'forwards' ? 'forwards' : 'backwards';
    const opts: HistoryOptions = { direction };
    const limit = q.get('limit');
    if (limit !== null) {
      const n = Number(limit);
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new BrokerError(40003, 400, 'limit must be an integer from 1 to 1000.');
      opts.limit = n;
    }
    let until: string | undefined;
    const from = q.get('from_serial');
    if (from !== null) until = from;
    const end = q.get('end');
    if (end !== null) {
      const b = timeBound(end, true);
      until = until === undefined || b < until ? b : until;
    }
    if (until !== undefined) opts.untilSerial = until;
    const start = q.get('start');
    if (start !== null) opts.sinceSerial = timeBound(start, false);
    const cursor = q.get('cursor');
    if (cursor !== null) opts.cursor = cursor;
    if (!this.broker.has(channel) || until === START_SERIAL) return { status: 200, body: [] };
    const page = this.broker.channel(channel).history(opts);
    const reply: Reply = { status: 200, body: page.items.map(toAblyMessage) };
    if (page.next !== null) {
      const next = new URLSearchParams(q);
      next.delete('envelope');
      next.delete('key');
      next.delete('access_token');
      next.set('cursor', page.next);
      reply.headers = { Link: `<./messages?${next.toString()}>; rel="next"` };
    }
    return reply;
  }
}
