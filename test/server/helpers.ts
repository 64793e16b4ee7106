import * as Ably from 'ably';
import { createServer, type LocalServer, type ServerOptions } from '../../src/server/index.js';

export type Realtime = Ably.Realtime;

/** Starts a server on a free port; `clients` made through it are closed by `close()`. */
export async function startServer(opts: ServerOptions = {}): Promise<TestServer> {
  const server = await createServer({ port: 0, ...opts });
  return new TestServer(server);
}

export class TestServer {
  private readonly clients: Ably.Realtime[] = [];
  constructor(readonly server: LocalServer) {}

  /** A Node `ably` Realtime client against the server, retrying quickly after a drop. */
  client(extra: Ably.ClientOptions = {}): Ably.Realtime {
    const base = this.server.clientOptions() as Ably.ClientOptions;
    // A client given other credentials must not fall back on the server's key.
    if ('token' in extra || 'authUrl' in extra || 'authCallback' in extra || 'tokenDetails' in extra) delete base.key;
    const c = new Ably.Realtime({ ...base, disconnectedRetryTimeout: 100, suspendedRetryTimeout: 500, logLevel: 0, ...extra });
    this.clients.push(c);
    return c;
  }

  rest(extra: Ably.ClientOptions = {}): Ably.Rest {
    return new Ably.Rest({ ...(this.server.clientOptions() as Ably.ClientOptions), logLevel: 0, ...extra });
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.close();
    await this.server.close();
  }
}

export function connected(c: Ably.Realtime): Promise<void> {
  if (c.connection.state === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const on = (s: Ably.ConnectionStateChange): void => {
      if (s.current === 'connected') {
        c.connection.off(on);
        resolve();
      } else if (s.current === 'failed') {
        c.connection.off(on);
        reject(s.reason);
      }
    };
    c.connection.on(on);
  });
}

type Headers = Record<string, string>;

export function headersOf(m: Ably.InboundMessage): Headers {
  return ((m.extras as { headers?: Headers } | undefined)?.headers ?? {}) as Headers;
}

/** Folds a subscriber's deliveries into each message's text, the way the kit's reducer does. */
export class TextFold {
  readonly text = new Map<string, string>();
  readonly status = new Map<string, string>();
  readonly actions: string[] = [];
  apply = (m: Ably.InboundMessage): void => {
    this.actions.push(m.action ?? '');
    const serial = m.serial!;
    const data = typeof m.data === 'string' ? m.data : '';
    if (m.action === 'message.append') this.text.set(serial, (this.text.get(serial) ?? '') + data);
    else this.text.set(serial, data);
    const s = headersOf(m)['ds-status'];
    if (s !== undefined) this.status.set(serial, s);
  };
}

export function stateChange(ch: Ably.RealtimeChannel, event: 'attached' | 'update'): Promise<Ably.ChannelStateChange> {
  return new Promise((resolve) => ch.once(event, resolve));
}
