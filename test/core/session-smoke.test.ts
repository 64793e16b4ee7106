import { describe, expect, it } from 'vitest';
import type { TurnRecord } from '../../src/agent/index.js';
import { createDemoAgent, demoTokens } from '../../src/agent/demo/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { client, createBroker, responses } from '../helpers/session-fixture.js';
import { settle, until } from '../helpers/until.js';

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
    const s = await until(() => ctrl.store.getState(), 'complete response', { ok: (s) => responses(s)[0]?.status === 'complete' });
    const text = responses(s)[0].text;
    expect(text).toBe(demoTokens('hello there', 30).join(' '));
    expect(records[0].text).toBe(text);
  });
});
