import { describe, expect, it } from 'vitest';
import { build } from '../../src/core/build-event.js';
import { createBroker } from '../../src/broker/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';

describe('idempotent publishing', () => {
  it('gives every builder an id derived from its turn, response or control id', () => {
    expect(build.userMessage('turn-1', 'hi').id).toBe('ds.turn-1');
    expect(build.cancel('c-1', { kind: 'all' }).id).toBe('ds.c-1');
    expect(build.steer('s-1', 'x', { kind: 'all' }).id).toBe('ds.s-1');
    expect(build.responseCreate({ responseId: 'r-1', agentId: 'a', turnId: 't', status: 'streaming' }).id).toBe('ds.r-1');
    expect(build.steerAck({ steerId: 's-1', agentId: 'a', status: 'applied' }).id).toBe('ds.s-1.a.applied');
  });

  it('accepts a republished message once: same serial, one message in history', async () => {
    const broker = createBroker();
    const ch = createMemoryTransport({ broker, clientId: 'alice' }).channel('s');
    const first = await ch.publish(build.userMessage('turn-1', 'hello'));
    // What an SDK does after a connection it could not resume: send the unacknowledged message again.
    const again = await createMemoryTransport({ broker, clientId: 'alice' }).channel('s').publish(build.userMessage('turn-1', 'hello'));
    expect(again.serial).toBe(first.serial);
    expect(broker.channel('s').history({ limit: 10 }).items).toHaveLength(1);
  });
});
