import { createBroker } from '../../src/broker/index.js';
import { createMemoryTransport, type MemoryTransport } from '../../src/transports/memory.js';
import type { SessionTransport } from '../../src/core/transport.js';
import { runConformance } from './suite.js';

runConformance('memory transport', async () => {
  const broker = createBroker();
  const clients: MemoryTransport[] = [];
  return {
    async connect(clientId) {
      const t = createMemoryTransport({ broker, clientId });
      clients.push(t);
      return t;
    },
    async interrupt(t: SessionTransport, meanwhile, { resume }) {
      const m = t as MemoryTransport;
      m.disconnect();
      await meanwhile();
      if (!resume) await m.forceDiscontinuity();
      await m.reconnect();
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
});
