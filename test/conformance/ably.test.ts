import type * as Ably from 'ably';
import { createServer } from '../../src/server/index.js';
import { createAblyTransport, type AblyTransport } from '../../src/transports/ably.js';
import type { ConnectionChange, SessionTransport } from '../../src/core/transport.js';
import { runConformance } from './suite.js';

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

runConformance('ably transport → local server', async () => {
  const server = await createServer({ port: 0 });
  const clients: AblyTransport[] = [];
  return {
    async connect(clientId) {
      const t = createAblyTransport({
        options: { ...(server.clientOptions() as Ably.ClientOptions), clientId, disconnectedRetryTimeout: 100, logLevel: 0 },
      });
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
});
