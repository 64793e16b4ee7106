// Opens memory-transport clients of a session for tests, and reads their threads back: the common
// fixture of the core, agent and react suites.
import { createBroker, type Broker } from '../../src/broker/index.js';
import { createSessionController, microtaskScheduler, selectThread, type SessionController, type SessionState } from '../../src/core/index.js';
import { createMemoryTransport, type MemoryTransport, type MemoryTransportOptions } from '../../src/transports/memory.js';

export function client(broker: Broker, clientId: string, sessionId: string, extra: Partial<MemoryTransportOptions> = {}): { transport: MemoryTransport; ctrl: SessionController } {
  const transport = createMemoryTransport({ broker, clientId, ...extra });
  const ctrl = createSessionController({ transport, sessionId, scheduler: microtaskScheduler, presence: { device: clientId } });
  return { transport, ctrl };
}

export function responses(s: SessionState) {
  return selectThread(s).filter((e) => e.kind === 'response');
}

export function users(s: SessionState) {
  return selectThread(s).filter((e) => e.kind === 'user');
}

export { createBroker };
