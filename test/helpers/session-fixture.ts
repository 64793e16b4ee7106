import { createBroker, type Broker } from '../../src/broker/index.js';
import { createSessionController, microtaskScheduler, selectThread, type SessionController, type SessionState } from '../../src/core/index.js';
import { createMemoryTransport, type MemoryTransport, type MemoryTransportOptions } from '../../src/transports/memory.js';

/** Waits until `predicate` holds for the controller's state (flushing queued frames), or fails. */
export async function until<T>(read: () => T, predicate: (v: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = read();
    if (predicate(v)) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(v)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

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
