import { describe, expect, it } from 'vitest';
import { createDemoAgent, demoTokens, type TurnRecord } from '../../src/agent/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { client, createBroker, responses, until } from '../helpers/session-fixture.js';

describe('session over the memory transport', () => {
  it('streams a demo answer to a client and ends complete with the exact text', async () => {
    const broker = createBroker();
    const records: TurnRecord[] = [];
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent' }), sessionId: 's1', tokensPerSecond: 2000, thinkMs: 0, tokens: 30, onTurnEnd: (r) => records.push(r) });
    await agent.start();
    const { ctrl } = client(broker, 'alice', 's1');
    await ctrl.acquire();
    const r = await ctrl.send('hello there');
    expect(r.ok).toBe(true);
    const s = await until(() => ctrl.store.getState(), (s) => responses(s)[0]?.status === 'complete', 'complete response');
    const text = responses(s)[0].text;
    expect(text).toBe(demoTokens('hello there', 30).join(' '));
    expect(records[0].text).toBe(text);
  });
});
