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
    const c = new Ably.Realtime({
      ...(this.server.clientOptions() as Ably.ClientOptions),
      disconnectedRetryTimeout: 100,
      suspendedRetryTimeout: 500,
      ...extra,
    });
    this.clients.push(c);
    return c;
  }

  rest(extra: Ably.ClientOptions = {}): Ably.Rest {
    return new Ably.Rest({ ...(this.server.clientOptions() as Ably.ClientOptions), ...extra });
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

/** Waits until `predicate` holds, checking after every event loop turn; fails after `ms`. */
export async function until(predicate: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Deterministic PRNG (mulberry32), so a failing fault run can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
