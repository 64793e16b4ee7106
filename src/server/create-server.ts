// createServer: the local Ably-protocol server — realtime over WebSocket and REST over HTTP, on one
// broker, with optional persistence to a data directory.
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { Broker, type RetentionOptions } from '../broker/index.js';
import { sessionWirePolicy, type WirePolicy } from '../core/wire-policy.js';
import { generateKey, KeyStore, parseKey, type KeySpec } from './key-store.js';
import { ChannelStore } from './channel-store.js';
import { createServerFaults, type DropWhen, type ServerFaults } from './faults.js';
import { MemberIds } from './member-ids.js';
import { Realtime, type RealtimeOptions } from './realtime.js';
import { Rest } from './rest.js';

export interface ServerOptions {
  /** TCP port; 0 picks a free one. Default 8787. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1` (use `0.0.0.0` to accept other machines). */
  host?: string;
  /**
   * API keys (`appId.keyId:secret`) and their capabilities. Default: one random key with
   * `{"*":["*"]}`, readable from {@link LocalServer.keys}.
   */
  keys?: (string | KeySpec)[];
  /** Directory for channel logs that survive a restart. Default: none (memory only). */
  dataDir?: string;
  /** Per-channel limits passed to the broker. Default: the broker's `DEFAULT_RETENTION`. */
  retention?: RetentionOptions;
  /** Largest message a client may publish, in bytes, announced to clients. Default 65536. */
  maxMessageSize?: number;
  /** How long a dropped connection can still be resumed, in ms. Default 120000. */
  connectionStateTtl?: number;
  /** Longest silence the server promises; heartbeats fill it. Default 15000. */
  maxIdleInterval?: number;
  /** How long an ungracefully dropped connection keeps its presence, in ms. Default 15000. */
  presenceGraceMs?: number;
  /** Longest time a persisted event may wait for fsync, in ms. Default 250. */
  fsyncIntervalMs?: number;
  /**
   * What the server may know of the events it carries: which appends say where they start, which
   * events settle something (fsync'd at once with `dataDir`), and which names only agents may
   * publish. Default `sessionWirePolicy`, the kit's own events.
   */
  policy?: WirePolicy;
  /**
   * Message names only an agent may publish (create, update or append): a connection needs the
   * `privileged-headers` capability (or `*`) on the channel for them, so a browser token granting
   * `publish` can send user messages and controls but cannot forge an agent's response, status or
   * steer acknowledgement. Default `policy.agentOnlyNames`; `[]` turns the rule off.
   */
  agentOnlyNames?: string[];
  /**
   * Most bytes the server queues for one socket that is not reading; beyond it the socket is cut (the
   * client can resume), so a slow or hostile reader cannot grow the server's memory. Default 8 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * The fault object {@link LocalServer.dropConnection} drives; tests that inject faults of their
   * own pass one. Default: a fresh `createServerFaults()`, which does nothing until asked.
   */
  faults?: ServerFaults;
}

/** A running local server. */
export interface LocalServer {
  /** `http://host:port` — REST base; the realtime endpoint is the same origin over `ws://`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The accepted API keys, full form (`appId.keyId:secret`). */
  readonly keys: string[];
  /** The broker holding every channel. */
  readonly broker: Broker;
  /**
   * Options for an `ably` client pointed at this server.
   * @example new Ably.Realtime({ ...server.clientOptions(), clientId: 'me' })
   */
  clientOptions(opts?: { key?: string; browser?: boolean }): Record<string, unknown>;
  /** Ids of connections with an open socket. */
  connectionIds(): string[];
  /**
   * Cuts a connection's socket without a close frame (fault injection): `now` (default);
   * `before-next-ack` — after its next publish is applied but before the ACK is sent, so the client
   * must retry it and the server must not apply it twice; or `unresumable` — now, and as if the server
   * lost the connection, so the client gets a new connection and its channels re-attach without
   * continuity. With `holdUntil`, the client's reconnection waits until that promise settles (a
   * longer outage). Returns false if the connection is unknown.
   */
  dropConnection(connectionId: string, when?: DropWhen, opts?: { holdUntil?: Promise<unknown> }): boolean;
  /** Stops listening, closes every connection and flushes the data directory. */
  close(): Promise<void>;
}

/** Extra lines a channel file may hold beyond two per message before it is compacted on start. */
const COMPACT_SLACK = 64;

/**
 * Starts an Ably-protocol server that the unmodified `ably` SDK can use, over one in-process broker.
 *
 * @example
 * const server = await createServer({ port: 0, dataDir: '.sessions' });
 * const client = new Ably.Realtime(server.clientOptions());
 */
export async function createServer(options: ServerOptions = {}): Promise<LocalServer> {
  const keyStrings = options.keys && options.keys.length > 0 ? options.keys : [generateKey()];
  const parsed = keyStrings.map(parseKey);
  const keys = new KeyStore(parsed);
  const policy = options.policy ?? sessionWirePolicy;
  const store = options.dataDir ? new ChannelStore({ dataDir: options.dataDir, fsyncIntervalMs: options.fsyncIntervalMs, policy }) : undefined;
  const brokerOpts: ConstructorParameters<typeof Broker>[0] = {};
  if (options.retention) brokerOpts.retention = options.retention;
  if (store) brokerOpts.onEvent = (channel, event) => store.append(channel, event);
  const broker = new Broker(brokerOpts);
  const loaded = new Map<string, string>();
  if (store) {
    for (const [name, events] of store.loadAll()) {
      const log = broker.channel(name);
      log.load(events);
      if (log.channelSerial !== '') loaded.set(name, log.channelSerial);
      // Nothing can resume across a restart, so per-token appends on disk only cost load time: keep
      // one line per message once appends dominate the file.
      if (events.length > 2 * log.messageCount + COMPACT_SLACK) store.compact(name, log.snapshot());
    }
  }
  const maxMessageSize = options.maxMessageSize ?? 65_536;
  const memberIds = new MemberIds();
  const faults = options.faults ?? createServerFaults();
  const realtimeOptions: RealtimeOptions = {
    connectionStateTtl: options.connectionStateTtl ?? 120_000,
    maxIdleInterval: options.maxIdleInterval ?? 15_000,
    maxMessageSize,
    presenceGraceMs: options.presenceGraceMs ?? 15_000,
    agentOnlyNames: new Set(options.agentOnlyNames ?? policy.agentOnlyNames),
    policy,
    maxBufferedBytes: options.maxBufferedBytes ?? 8 * 1024 * 1024,
    serverId: `local-${randomBytes(3).toString('hex')}`,
  };
  const realtime = new Realtime(broker, keys, memberIds, realtimeOptions, faults);
  for (const [name, through] of loaded) realtime.markLoaded(name, through);
  const rest = new Rest(broker, keys, memberIds, realtimeOptions);

  const http = createHttpServer((req, res) => {
    rest.handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Oversize publishes must reach the broker to be NACKed with 40009: a socket cut for size would
  // make the SDK resend the same frame forever. Only absurd frames are cut at the socket.
  const wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(256 * maxMessageSize, 16 * 1024 * 1024) });
  http.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => realtime.handle(ws, req));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 8787, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const fullKeys = parsed.map((k) => `${k.keyName}:${k.secret}`);
  let closing: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    keys: fullKeys,
    broker,
    clientOptions(opts = {}) {
      const o: Record<string, unknown> = {
        key: opts.key ?? fullKeys[0],
        endpoint: host === '0.0.0.0' || host === '::' ? 'localhost' : host,
        port,
        tls: false,
      };
      if (opts.browser) {
        o.transports = ['web_socket'];
        o.disableConnectivityCheck = true;
      }
      return o;
    },
    connectionIds: () => realtime.connectionIds(),
    dropConnection: (id, when, opts) => faults.dropConnection(id, when, opts?.holdUntil),
    close() {
      closing ??= new Promise<void>((resolve) => {
        realtime.close();
        wss.close();
        http.closeAllConnections();
        http.close(() => {
          store?.close();
          resolve();
        });
      });
      return closing;
    },
  };
}
