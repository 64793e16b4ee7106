// The demo agent continues a dead instance's answer: a standby writes only what comes after the
// text already in the session, so every tab ends with exactly the uninterrupted answer.
import { describe, expect, it } from 'vitest';
import { createDemoAgent, demoAnswer } from '../../src/agent/demo/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { client, createBroker, responses } from '../helpers/session-fixture.js';
import { until } from '../helpers/until.js';

const PROMPT = 'Tell me about durable sessions';

describe('demo agent takeover', () => {
  it('a standby continues the answer after the words the dead instance wrote, ending word for word as one run would', async () => {
    const broker = createBroker();
    const taken: string[] = [];
    const start = async (instanceId: string, standby: boolean) => {
      const transport = createMemoryTransport({ broker, clientId: 'agent-assistant' });
      const agent = createDemoAgent({
        ...{ transport, sessionId: 's', agentId: 'assistant', voice: 'assistant', instanceId, standby, takeoverAfterMs: 10 },
        ...{ tokensPerSecond: 400, tokens: 60, thinkMs: 0, batch: { intervalMs: 0, maxChars: 1 }, onTakeover: (t) => taken.push(t.from) },
      });
      await agent.start();
      return { agent, transport };
    };
    const primary = await start('primary', false);
    const standby = await start('standby', true);
    const tab = client(broker, 'alice', 's');
    await tab.ctrl.start();
    await tab.ctrl.send(PROMPT);
    const full = demoAnswer(PROMPT, 60, { voice: 'assistant' });
    // Killed part-way, mid-word or between words: whatever the batch boundary was.
    const before = await until(() => responses(tab.ctrl.store.getState())[0]?.text ?? '', 'a third of the answer', { ok: (t) => t.length > full.length / 3 });
    await primary.transport.close();
    const done = await until(() => responses(tab.ctrl.store.getState())[0], 'the answer completed by the standby', { ok: (r) => r?.status === 'complete', timeoutMs: 15_000 });
    expect(taken).toEqual(['primary']);
    expect(before.length).toBeLessThan(full.length);
    expect(done?.text).toBe(full);
    await Promise.all([standby.agent.stop(), tab.ctrl.stop()]);
  });
});
