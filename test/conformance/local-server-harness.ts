// The conformance harness for the Ably transport against the local server, in either wire format:
// real `ably` SDK clients, faults injected by the server itself.
import type * as Ably from 'ably';
import { expect } from 'vitest';
import { createServer } from '../../src/server/index.js';
import { createAblyTransport, type AblyTransport } from '../../src/transports/ably.js';
import type { ConnectionChange, SessionTransport } from '../../src/core/transport.js';
import type { ConformanceHarness } from './suite.js';

function waitFor(t: SessionTransport, ok: (c: ConnectionChange) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const off = t.onStatus((c) => {
      if (ok(c)) {
        off();
        resolve();
      }
    });
  });
}

/**
 * A harness over a fresh local server. `msgpack` leaves the SDK's Node default (the binary
 * protocol) alone; `json` turns it off, so both codecs are held to the same suite.
 */
export async function localServerHarness(format: 'json' | 'msgpack'): Promise<ConformanceHarness> {
  const server = await createServer({ port: 0 });
  const clients: AblyTransport[] = [];
  const codec: Ably.ClientOptions = format === 'json' ? { useBinaryProtocol: false } : {};
  return {
    async connect(clientId) {
      const t = createAblyTransport({
        options: { ...(server.clientOptions() as Ably.ClientOptions), ...codec, clientId, disconnectedRetryTimeout: 100, logLevel: 0 },
      });
      // The SDK's resolved options say which codec this run really exercises.
      expect((t.client as unknown as { options: Ably.ClientOptions }).options.useBinaryProtocol).toBe(format === 'msgpack');
      clients.push(t);
      if (t.status !== 'connected') await waitFor(t, (c) => c.status === 'connected');
      return t;
    },
    async interrupt(t, meanwhile, { resume }) {
      const a = t as AblyTransport;
      const down = waitFor(t, (c) => c.status === 'disconnected');
      const up = waitFor(t, (c) => c.status === 'connected');
      let release!: () => void;
      // Hold the reconnection so `meanwhile` really happens while the client is away.
      const outage = new Promise<void>((r) => (release = r));
      server.dropConnection(a.client.connection.id!, resume ? 'now' : 'unresumable', { holdUntil: outage });
      await down;
      try {
        await meanwhile();
      } finally {
        release();
      }
      await up;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
    },
  };
}
