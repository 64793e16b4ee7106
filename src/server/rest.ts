// Ably's REST API over the broker, as much of it as the SDK uses — history, one message, presence,
// publishing, server time and token requests — in JSON or msgpack, as the request asks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BrokerError, START_SERIAL, type Broker, type HistoryOptions } from '../broker/index.js';
import { can, capabilityBreach } from './capability.js';
import { bodyFormat, CONTENT_TYPE, decode, encode, replyFormat, type Format } from './codec.js';
import { resolveCredentials } from './credentials.js';
import type { KeyStore, TokenRequest } from './key-store.js';
import type { MemberIds } from './member-ids.js';
import type { PublishRules } from './publish.js';
import { restPublish, restPublisher, restUpdate } from './rest-publish.js';
import { checkChannelName, errorInfo, toAblyMessage, toAblyPresence } from './wire.js';

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

function readBody(req: IncomingMessage): Promise<Buffer> {
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
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A request body in the format its Content-Type names; throws 40001 when it does not decode. */
async function readDecoded(req: IncomingMessage): Promise<unknown> {
  const format = bodyFormat(req.headers['content-type']);
  const raw = await readBody(req);
  try {
    return decode(raw, format);
  } catch {
    throw new BrokerError(40001, 400, `The request body is not valid ${format === 'msgpack' ? 'msgpack' : 'JSON'}, as its Content-Type ${CONTENT_TYPE[format]} says it is.`);
  }
}

function errorReply(e: unknown): Reply {
  const err = errorInfo(e);
  return {
    status: err.statusCode,
    body: { error: err },
    headers: { 'X-Ably-ErrorCode': String(err.code), 'X-Ably-ErrorMessage': encodeURIComponent(err.message) },
  };
}

/** Serials are time-prefixed, so a time bound becomes a serial bound. */
function timeBound(ms: string, upper: boolean): string {
  const n = Math.max(0, Math.floor(Number(ms)));
  if (!Number.isFinite(n)) throw new BrokerError(40003, 400, 'start and end must be times in ms since the epoch.');
  return `${String(n).padStart(14, '0')}-${upper ? '999~' : '000'}`;
}

/** Ably's REST API, as much of it as the SDK uses for history, presence, publishing, time and tokens. */
export class Rest {
  constructor(
    private readonly broker: Broker,
    private readonly keys: KeyStore,
    private readonly memberIds: MemberIds,
    private readonly rules: PublishRules,
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
    const asked = url.searchParams.get('envelope');
    const envelope = asked === 'json' || asked === 'msgpack' ? asked : undefined;
    let format: Format = envelope ?? 'json';
    let reply: Reply;
    try {
      format = envelope ?? replyFormat(url.searchParams, req.headers.accept);
      reply = await this.route(req, url, format);
    } catch (e) {
      reply = errorReply(e);
    }
    if (envelope) {
      // Browsers that cannot read headers ask for everything in the body.
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k.toLowerCase()] = v;
      res.writeHead(200, { 'Content-Type': CONTENT_TYPE[envelope] });
      res.end(encode({ statusCode: reply.status, headers, response: reply.body }, envelope));
      return;
    }
    res.writeHead(reply.status, { 'Content-Type': CONTENT_TYPE[format], ...reply.headers });
    res.end(encode(reply.body, format));
  }

  private async route(req: IncomingMessage, url: URL, format: Format): Promise<Reply> {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (req.method === 'GET' && parts.length === 1 && parts[0] === 'time') return { status: 200, body: [Date.now()] };
    if (req.method === 'POST' && parts.length === 3 && parts[0] === 'keys' && parts[2] === 'requestToken') {
      return { status: 200, body: this.keys.requestToken(parts[1], (await readDecoded(req)) as TokenRequest) };
    }
    if (parts[0] === 'comet') {
      throw new BrokerError(80001, 400, "The local server speaks WebSocket only, not the comet (xhr_polling) transport: let WebSockets reach it, or set transports: ['web_socket'] in the client options.");
    }
    if ((req.method === 'POST' || req.method === 'PATCH') && parts[0] === 'channels' && parts[2] === 'messages') {
      const channel = checkChannelName(parts[1]);
      const who = restPublisher(resolveCredentials(this.keys, url.searchParams, req.headers.authorization), req.headers['x-ably-clientid']);
      if (req.method === 'POST' && parts.length === 3) return { status: 201, body: restPublish(this.broker, this.rules, who, channel, await readDecoded(req)) };
      if (req.method === 'PATCH' && parts.length === 4) return { status: 200, body: restUpdate(this.broker, this.rules, who, channel, parts[3], await readDecoded(req)) };
    }
    if (req.method === 'GET' && parts[0] === 'channels' && parts.length >= 3) {
      const channel = checkChannelName(parts[1]);
      const auth = resolveCredentials(this.keys, url.searchParams, req.headers.authorization);
      if (parts[2] === 'messages' && parts.length === 3) {
        if (!can(auth.capability, channel, 'history')) throw capabilityBreach(channel, 'history');
        return this.history(channel, url, format);
      }
      if (parts[2] === 'messages' && parts.length === 4) {
        if (!can(auth.capability, channel, 'history')) throw capabilityBreach(channel, 'history');
        const m = this.broker.has(channel) ? this.broker.channel(channel).get(parts[3]) : undefined;
        if (!m) throw new BrokerError(40400, 404, `No message with serial ${parts[3]} on channel ${channel}.`);
        return { status: 200, body: toAblyMessage(m, format) };
      }
      if (parts[2] === 'presence' && parts.length === 3) {
        if (!can(auth.capability, channel, 'presence') && !can(auth.capability, channel, 'subscribe')) {
          throw capabilityBreach(channel, 'subscribe');
        }
        const members = this.broker.has(channel) ? this.broker.channel(channel).presence.list() : [];
        return { status: 200, body: members.map((m) => toAblyPresence(m, 'present', this.memberIds.of(channel, m), format)) };
      }
    }
    throw new BrokerError(40400, 404, `No such endpoint: ${req.method} ${url.pathname}.`);
  }

  private history(channel: string, url: URL, format: Format): Reply {
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
    const reply: Reply = { status: 200, body: page.items.map((m) => toAblyMessage(m, format)) };
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
