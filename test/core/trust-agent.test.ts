import { describe, expect, it } from 'vitest';
import { createDemoAgent } from '../../src/agent/demo/index.js';
import { build, createSessionController, microtaskScheduler, type DurableSessionError } from '../../src/core/index.js';
import { createBroker } from '../../src/broker/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { responses } from '../helpers/session-fixture.js';
import { settle, until } from '../helpers/until.js';

describe('trustAgent', () => {
  it('drops responses forged by a non-agent publisher with an unauthorized error, and keeps real ones', async () => {
    const broker = createBroker();
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent-demo' }), sessionId: 's', tokensPerSecond: 5000, thinkMs: 0, tokens: 5 });
    await agent.start();
    const ctrl = createSessionController({
      transport: createMemoryTransport({ broker, clientId: 'alice' }),
      sessionId: 's',
      scheduler: microtaskScheduler,
      trustAgent: (id) => id?.startsWith('agent-') === true,
    });
    const errors: DurableSessionError[] = [];
    ctrl.onError((e) => errors.push(e));
    await ctrl.acquire();
    // Mallory publishes a fake, finished answer.
    const mallory = createMemoryTransport({ broker, clientId: 'mallory' }).channel('s');
    const forged = await mallory.publish(build.responseCreate({ responseId: 'fake', agentId: 'demo', turnId: 'turn-x', status: 'complete' }));
    await until(() => errors.length, 'the forged response to be reported', { ok: (n) => n === 1 });
    expect(errors[0].code).toBe('unauthorized');
    expect(errors[0].serial).toBe(forged.serial);
    await ctrl.send('hello');
    const s = await until(() => ctrl.store.getState(), 'the real answer', { ok: (st) => responses(st)[0]?.status === 'complete' });
    expect(responses(s).map((r) => r.responseId)).not.toContain('fake');
    expect(responses(s)).toHaveLength(1);
    expect(s.responses.fake).toBeUndefined();
  });
});
