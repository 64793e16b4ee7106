import { describe, expect, it } from 'vitest';
import { createDemoAgent, demoTokens } from '../../src/agent/demo/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { client, createBroker, responses, users } from '../helpers/session-fixture.js';
import { settle, until } from '../helpers/until.js';

const fast = { tokensPerSecond: 2000, thinkMs: 0, tokens: 6 };

describe('agent start with messages already waiting', () => {
  it('answers a message sent just before the agent attached, and only once', async () => {
    const broker = createBroker();
    const { ctrl } = client(broker, 'alice', 's');
    await ctrl.acquire();
    await ctrl.send('early bird');
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent' }), sessionId: 's', ...fast });
    await agent.start();
    const s = await until(() => ctrl.store.getState(), 'answer', { ok: (s) => responses(s)[0]?.status === 'complete' });
    expect(responses(s)[0].text).toBe(demoTokens('early bird', 6).join(' '));
    await agent.stop();
    // A restart must not answer the same message again.
    const again = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent2' }), sessionId: 's', ...fast });
    await again.start();
    await again.idle();
    expect(broker.channel('s').history({ limit: 100 }).items.filter((m) => m.name === 'agent.response')).toHaveLength(1);
  });

  it('ends a waiting message that was already cancelled as cancelled, with no text', async () => {
    const broker = createBroker();
    const { ctrl } = client(broker, 'alice', 's');
    await ctrl.acquire();
    await ctrl.send('never mind');
    expect((await ctrl.cancel()).ok).toBe(true);
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent' }), sessionId: 's', ...fast });
    await agent.start();
    const s = await until(() => ctrl.store.getState(), 'cancelled', { ok: (s) => responses(s)[0]?.status === 'cancelled' });
    expect(responses(s)[0].text).toBe('');
  });

  it('leaves old unanswered messages alone', async () => {
    const broker = createBroker();
    const { ctrl } = client(broker, 'alice', 's');
    await ctrl.acquire();
    await ctrl.send('from long ago');
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent' }), sessionId: 's', ...fast, answerPendingWithinMs: 0 });
    await agent.start();
    await ctrl.send('now');
    const s = await until(() => ctrl.store.getState(), 'answer', { ok: (s) => responses(s)[0]?.status === 'complete' });
    expect(responses(s)).toHaveLength(1);
    expect(responses(s)[0].text).toBe(demoTokens('now', 6).join(' '));
  });
});

describe('agent start after a stop-everything', () => {
  it('ends waiting turns cancelled when an all- or agent-targeted cancel came after them, and answers later ones', async () => {
    const broker = createBroker();
    const { ctrl } = client(broker, 'alice', 's');
    await ctrl.acquire();
    await ctrl.send('first');
    await ctrl.send('second');
    // Stop-everything, and a stop aimed at another agent, published as a client would.
    const raw = createMemoryTransport({ broker, clientId: 'alice' }).channel('s');
    await raw.publish({ name: 'control.cancel', data: { controlId: 'c-all', target: { kind: 'all' } } });
    await ctrl.send('third');
    await raw.publish({ name: 'control.cancel', data: { controlId: 'c-other', target: { kind: 'agent', agentId: 'someone-else' } } });
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent' }), sessionId: 's', ...fast });
    await agent.start();
    const s = await until(() => ctrl.store.getState(), 'three outcomes', { ok: (st) => responses(st).length === 3 && responses(st).every((r) => r.status !== 'streaming') });
    const promptOf = (turnId: string) => users(s).find((u) => u.turnId === turnId)?.text;
    const byTurn = new Map(responses(s).map((r) => [promptOf(r.turnId), r]));
    expect(byTurn.get('first')?.status).toBe('cancelled');
    expect(byTurn.get('second')?.status).toBe('cancelled');
    expect(byTurn.get('third')?.status).toBe('complete');
    expect(byTurn.get('third')?.text).toBe(demoTokens('third', 6).join(' '));
  });
});
