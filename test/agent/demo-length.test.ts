import { describe, expect, it } from 'vitest';
import { createDemoAgent, demoLength, demoTokens } from '../../src/agent/demo/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { client, createBroker, responses } from '../helpers/session-fixture.js';
import { until } from '../helpers/until.js';

describe('demo agent answer length', () => {
  it('reads "in N words" from the prompt, clamped to 1..2000', () => {
    expect(demoLength('tell me a story in 120 words please', 60)).toBe(120);
    expect(demoLength('In 1 word', 60)).toBe(1);
    expect(demoLength('in 9999 words', 60)).toBe(2000);
    expect(demoLength('in 0 words', 60)).toBe(1);
    expect(demoLength('no length here', 60)).toBe(60);
  });

  it('answers differently per voice, and the same without one', () => {
    expect(demoTokens('same prompt', 12, 'reviewer')).not.toEqual(demoTokens('same prompt', 12, 'assistant'));
    expect(demoTokens('same prompt', 12, 'reviewer')).toEqual(demoTokens('same prompt', 12, 'reviewer'));
    expect(demoTokens('same prompt', 12)).toEqual(demoTokens('same prompt', 12));
  });

  it('writes exactly that many words, ending on a whole sentence', async () => {
    const broker = createBroker();
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent' }), sessionId: 's', tokensPerSecond: 5000, thinkMs: 0 });
    await agent.start();
    const { ctrl } = client(broker, 'alice', 's');
    await ctrl.acquire();
    await ctrl.send('answer in 7 words');
    const s = await until(() => ctrl.store.getState(), 'answer', { ok: (s) => responses(s)[0]?.status === 'complete' });
    expect(responses(s)[0].text).toBe(demoTokens('answer in 7 words', 7).join(' '));
    expect(responses(s)[0].text.split(' ')).toHaveLength(7);
    expect(responses(s)[0].text).toMatch(/[.!?]$/);
  });
});
