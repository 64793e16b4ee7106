// The demo agent continues a dead instance's answer: a standby writes only what comes after the
// text already in the session, so every tab ends with exactly the uninterrupted answer.
import { describe, expect, it } from 'vitest';
import { createDemoAgent, demoAnswer, demoToolText, demoWeather } from '../../src/agent/demo/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { selectPendingApprovals } from '../../src/core/index.js';
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

  async function pair(broker: ReturnType<typeof createBroker>) {
    const taken: string[] = [];
    const start = async (instanceId: string, standby: boolean) => {
      const transport = createMemoryTransport({ broker, clientId: 'agent-assistant' });
      const agent = createDemoAgent({
        ...{ transport, sessionId: 's', agentId: 'assistant', voice: 'assistant', instanceId, standby, takeoverAfterMs: 10 },
        ...{ tokensPerSecond: 200, thinkMs: 0, batch: { intervalMs: 0, maxChars: 1 }, onTakeover: (t) => taken.push(t.from) },
      });
      await agent.start();
      return { agent, transport };
    };
    return { taken, primary: await start('primary', false), standby: await start('standby', true) };
  }

  it('a weather turn killed mid tool input is carried on, not redone: one reasoning, one call with the whole input, one source, the answer once', async () => {
    const broker = createBroker();
    const { taken, primary, standby } = await pair(broker);
    const tab = client(broker, 'alice', 's');
    await tab.ctrl.start();
    await tab.ctrl.send('What is the weather in Paris?');
    const call = () => responses(tab.ctrl.store.getState())[0]?.parts.find((p) => p.type === 'tool-call');
    await until(call, 'half the tool input', { ok: (p) => p?.type === 'tool-call' && p.inputText.length > 4 && p.state === 'input-streaming' });
    await primary.transport.close();
    const done = await until(() => responses(tab.ctrl.store.getState())[0], 'the finished answer', { ok: (r) => r?.status === 'complete', timeoutMs: 15_000 });
    expect(taken).toEqual(['primary']);
    expect(done?.parts.map((p) => p.type)).toEqual(['reasoning', 'tool-call', 'source', 'text']);
    expect(done?.parts[1]).toMatchObject({ state: 'output-available', input: { city: 'Paris' }, inputText: '{"city":"Paris"}' });
    expect(done?.text).toBe(demoToolText.weatherAnswer(demoWeather('Paris')));
    await Promise.all([standby.agent.stop(), tab.ctrl.stop()]);
  });

  it('an email turn killed while awaiting approval keeps the prompt; the standby takes the decision and answers once', async () => {
    const broker = createBroker();
    const { taken, primary, standby } = await pair(broker);
    const tab = client(broker, 'alice', 's');
    await tab.ctrl.start();
    await tab.ctrl.send('Send an email to ann@example.com');
    const waiting = await until(() => selectPendingApprovals(tab.ctrl.store.getState()), 'the prompt', { ok: (p) => p.length === 1 });
    await primary.transport.close();
    await until(() => taken.length, 'the takeover', { ok: (n) => n === 1 });
    expect(selectPendingApprovals(tab.ctrl.store.getState()).map((p) => p.part.toolCallId)).toEqual([waiting[0].part.toolCallId]);
    expect((await tab.ctrl.approve(waiting[0].part.toolCallId)).ok).toBe(true);
    const done = await until(() => responses(tab.ctrl.store.getState())[0], 'the finished answer', { ok: (r) => r?.status === 'complete', timeoutMs: 15_000 });
    expect(done?.parts.filter((p) => p.type === 'tool-call')).toHaveLength(1);
    expect(done?.parts[0]).toMatchObject({ state: 'output-available', approval: { approved: true, by: 'alice' } });
    expect(done?.text).toBe('Sent the email to ann@example.com.');
    await Promise.all([standby.agent.stop(), tab.ctrl.stop()]);
  });
});
