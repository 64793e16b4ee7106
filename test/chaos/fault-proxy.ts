import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

/** Fault kinds the proxy injects; counted per kind. */
export type FaultKind = 'drop' | 'delay' | 'reorder' | 'stall' | 'restart';

export interface FaultCounts {
  drop: number;
  delay: number;
  /** Adjacent frame pairs actually swapped. */
  reorder: number;
  stall: number;
  restart: number;
}

export const zeroCounts = (): FaultCounts => ({ drop: 0, delay: 0, reorder: 0, stall: 0, restart: 0 });

const ACK = 1;
const NACK = 2;
const PRESENCE = 14;
const MESSAGE = 15;
const HEARTBEAT = 0;

interface Frame {
  data: string;
  action: number | undefined;
  channel: string | undefined;
  /** A client's publish or presence frame: the server applies these strictly in msgSerial order. */
  numbered: boolean;
}

/**
 * Whether two adjacent frames of one direction may swap without breaking what the protocol promises
 * a connection: messages of one channel stay in order (their channelSerials chain), a client's
 * numbered frames and the server's ACK/NACKs stay in msgSerial order. An ACK may overtake a message
 * (Ably sends them independently), presence carries no channelSerial here, and heartbeats carry nothing.
 */
export function swappable(a: Frame, b: Frame): boolean {
  if (a.numbered && b.numbered) return false;
  const kinds = new Set([a.action, b.action]);
  if (a.action === HEARTBEAT || b.action === HEARTBEAT) return true;
  if ((a.action === ACK || a.action === NACK) && (b.action === ACK || b.action === NACK)) return false;
  if (kinds.has(ACK) || kinds.has(NACK)) return (kinds.has(MESSAGE) || kinds.has(PRESENCE)) && a.action !== b.action;
  if (a.action === PRESENCE && b.action === MESSAGE) return true;
  if (a.action === MESSAGE && b.action === PRESENCE) return true;
  if (a.action === MESSAGE && b.action === MESSAGE) return a.channel !== undefined && b.channel !== undefined && a.channel !== b.channel;
  return false;
}

function frameOf(raw: RawData): Frame {
  const data = raw.toString();
  try {
    const p = JSON.parse(data) as { action?: unknown; channel?: unknown; msgSerial?: unknown };
    const action = typeof p.action === 'number' ? p.action : undefined;
    return {
      data,
      action,
      channel: typeof p.channel === 'string' ? p.channel : undefined,
      numbered: (action === MESSAGE || action === PRESENCE) && p.msgSerial !== undefined,
    };
  } catch {
    return { data, action: undefined, channel: undefined, numbered: false };
  }
}

/** One direction of one proxied connection: an ordered queue that can be held, reordered or black-holed. */
class Lane {
  private queue: Frame[] = [];
  private holdTimer: ReturnType<typeof setTimeout> | null = null;
  private reorder = false;
  /** Until when pings (which bypass the queue) are swallowed. */
  quietUntil = 0;

  constructor(
    private readonly out: () => WebSocket | null,
    private readonly counts: FaultCounts,
  ) {}

  push(f: Frame): void {
    this.queue.push(f);
    this.pump();
  }

  hold(ms: number, reorder: boolean): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.reorder ||= reorder;
    this.holdTimer = setTimeout(() => {
      this.holdTimer = null;
      this.pump();
    }, ms);
  }

  pump(): void {
    const ws = this.out();
    if (this.holdTimer || !ws || ws.readyState !== WebSocket.OPEN) return;
    if (this.reorder) {
      this.reorder = false;
      for (let i = 0; i + 1 < this.queue.length; i += 2) {
        if (swappable(this.queue[i], this.queue[i + 1])) {
          [this.queue[i], this.queue[i + 1]] = [this.queue[i + 1], this.queue[i]];
          this.counts.reorder++;
        }
      }
    }
    for (const f of this.queue.splice(0)) ws.send(f.data);
  }

  clear(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    this.queue = [];
  }
}

class Pair {
  upstream: WebSocket | null = null;
  readonly up: Lane;
  readonly down: Lane;
  closed = false;

  constructor(
    readonly client: WebSocket,
    counts: FaultCounts,
  ) {
    this.up = new Lane(() => (this.upstream?.readyState === WebSocket.OPEN ? this.upstream : null), counts);
    this.down = new Lane(() => this.client, counts);
  }

  kill(): void {
    if (this.closed) return;
    this.closed = true;
    this.up.clear();
    this.down.clear();
    this.client.terminate();
    this.upstream?.terminate();
  }
}

/**
 * A WebSocket proxy on 127.0.0.1 between `ably` SDK clients and the local server that injects
 * network faults on command: cut connections, hold frames (and swap the ones the protocol lets
 * travel out of order), and stall traffic and heartbeats past the client's idle timeout.
 * Server restarts are the harness's job; the proxy simply reconnects clients to the same port.
 */
export class FaultProxy {
  readonly counts = zeroCounts();
  private readonly pairs = new Set<Pair>();
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  port = 0;

  constructor(private readonly upstreamPort: number) {}

  async start(): Promise<void> {
    this.wss = new WebSocketServer({ noServer: true });
    this.http = createServer((req, res) => this.forward(req, res));
    this.http.on('upgrade', (req, socket, head) => {
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
    });
    await new Promise<void>((resolve) => this.http!.listen(0, '127.0.0.1', resolve));
    this.port = (this.http.address() as AddressInfo).port;
  }

  get connections(): number {
    return this.pairs.size;
  }

  /** REST (history, presence, time) goes straight through: the faults under test are the socket's. */
  private forward(req: IncomingMessage, res: ServerResponse): void {
    const up = request({ host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  }

  private accept(client: WebSocket, req: IncomingMessage): void {
    const pair = new Pair(client, this.counts);
    this.pairs.add(pair);
    const upstream = new WebSocket(`ws://127.0.0.1:${this.upstreamPort}${req.url ?? '/'}`);
    pair.upstream = upstream;
    const end = () => {
      pair.kill();
      this.pairs.delete(pair);
    };
    client.on('message', (raw) => pair.up.push(frameOf(raw)));
    client.on('close', end);
    client.on('error', end);
    upstream.on('open', () => pair.up.pump());
    upstream.on('message', (raw) => pair.down.push(frameOf(raw)));
    upstream.on('ping', () => {
      if (Date.now() >= pair.down.quietUntil && client.readyState === WebSocket.OPEN) client.ping();
    });
    upstream.on('close', end);
    upstream.on('error', end);
  }

  /** Cuts every live connection without a close frame. Returns how many were cut. */
  drop(): number {
    let n = 0;
    for (const p of [...this.pairs]) {
      p.kill();
      this.pairs.delete(p);
      n++;
    }
    if (n > 0) this.counts.drop++;
    return n;
  }

  /** Holds every frame in both directions for `ms`, then releases them in order (or swapped where allowed). */
  delay(ms: number, reorder: boolean): void {
    for (const p of this.pairs) {
      p.down.hold(ms, reorder);
      p.up.hold(ms, reorder);
    }
    this.counts.delay++;
  }

  /**
   * Stalls every connection for `ms`: nothing moves either way and pings are swallowed, so the
   * client's idle timer fires. Held frames are released in order afterwards, as TCP would deliver
   * them; a frame is never lost from the middle of a live connection, only with the connection.
   */
  stall(ms: number): void {
    for (const p of this.pairs) {
      p.down.quietUntil = Date.now() + ms;
      p.down.hold(ms, false);
      p.up.hold(ms, false);
    }
    this.counts.stall++;
  }

  async close(): Promise<void> {
    for (const p of this.pairs) p.kill();
    this.pairs.clear();
    this.wss?.close();
    if (this.http) {
      this.http.closeAllConnections();
      await new Promise<void>((r) => this.http!.close(() => r()));
    }
  }
}
