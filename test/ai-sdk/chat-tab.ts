// One tab of a useChat app over the durable chat transport on the memory broker, closed after each
// test: the setup both useChat suites share.
import { afterEach } from 'vitest';
import { createDurableChatTransport, type DurableChatTransport } from '../../src/ai-sdk/index.js';
import { microtaskScheduler, type SessionControllerOptions } from '../../src/core/index.js';
import { createMemoryTransport, type MemoryTransport } from '../../src/transports/memory.js';
import type { createBroker } from '../helpers/session-fixture.js';

export const SESSION = 'chat';

const opened: DurableChatTransport[] = [];
afterEach(() => {
  for (const t of opened.splice(0)) t.close();
});

/** A tab's memory connection (to cut and restore) and the chat transport over it. */
export function chatTab(
  broker: ReturnType<typeof createBroker>,
  clientId: string,
  controllerOptions: Omit<SessionControllerOptions, 'sessionId' | 'transport'> = {},
): { memory: MemoryTransport; transport: DurableChatTransport } {
  const memory = createMemoryTransport({ broker, clientId });
  const transport = createDurableChatTransport({ sessionId: SESSION, transport: memory, controllerOptions: { scheduler: microtaskScheduler, ...controllerOptions } });
  opened.push(transport);
  return { memory, transport };
}
