import { describe, expect, it } from 'vitest';
import { createDemoAgent, demoAnswer, demoToolFor, demoToolText, demoWeather } from '../../src/agent/demo/index.js';
import type { TurnRecord } from '../../src/agent/index.js';
import { selectPendingApprovals, selectResponse, type ToolCallPart } from '../../src/core/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { client, createBroker, responses } from '../helpers/session-fixture.js';
import { until } from '../helpers/until.js';

async function demoSession(opts: { voice?: string } = {}) {
  const broker = createBroker();
  const records: TurnRecord[] = [];
  const agent = createDemoAgent({
    transport: createMemoryTransport({ broker, clientId: 'agent-demo' }),
    sessionId: 's',
    tokensPerSecond: 500,
    thinkMs: 0,
    batch: { intervalMs: 1, maxChars: 1 },
    onTurnEnd: (r) => records.push(r),
    ...opts,
  });
  await agent.start();
  const alice = client(broker, 'alice', 's');
  await alice.ctrl.acquire();
  return { broker, agent, records, alice };
}

const toolOf = (r: TurnRecord) => r.parts.find((p): p is ToolCallPart => p.type === 'tool-call');

describe('demo agent tools: which prompts use them', () => {
  it('asks for the weather in a named city, or sends an email; every other prompt is answered as before', () => {
    expect(demoToolFor("What's the weather in Paris today?")).toEqual({ tool: 'weather', city: 'Paris' });
    expect(demoToolFor('weather for new York please')).toEqual({ tool: 'weather', city: 'New York' });
    expect(demoToolFor('Email the team about this')).toEqual({ tool: 'send_email', to: 'team@example.com' });
    expect(demoToolFor('please send a note to ann@example.com')).toEqual({ tool: 'send_email', to: 'ann@example.com' });
    for (const prompt of ['Describe the weather', 'Tell me about durable sessions @reviewer', 'send it @reviewer', 'stream a while so B can stop it in 120 words', 'Survive a network blip']) {
      expect(demoToolFor(prompt)).toBeUndefined();
    }
  });

  it('reports the same weather for the same city', () => {
    expect(demoWeather('Paris')).toEqual(demoWeather('Paris'));
    expect(demoWeather('Paris').tempC).toBeGreaterThanOrEqual(2);
    expect(new Set(['Paris', 'Oslo', 'Lima', 'Cairo', 'Tokyo'].map((c) => JSON.stringify(demoWeather(c)))).size).toBeGreaterThan(1);
  });
});

describe('demo agent tools: the turns every tab sees', () => {
  it('weather: reasoning, then the tool with its input streamed as partial JSON, its output, a source, and the answer', async () => {
    const { agent, records, alice } = await demoSession();
    const partial = new Set<string>();
    alice.ctrl.store.subscribe((s) => {
      for (const r of responses(s)) for (const p of r.parts) if (p.type === 'tool-call' && p.state === 'input-streaming') partial.add(p.inputText);
    });
    await alice.ctrl.send('What is the weather in Paris?');
    const record = await until(() => records[0], 'the turn to end');
    const w = demoWeather('Paris');

    expect(record.status).toBe('complete');
    expect(record.parts.map((p) => p.type)).toEqual(['reasoning', 'tool-call', 'source', 'text']);
    expect(record.parts[0]).toMatchObject({ text: demoToolText.weatherReasoning('Paris').join(''), state: 'done' });
    expect(toolOf(record)).toMatchObject({ toolName: 'weather', state: 'output-available', inputText: '{"city":"Paris"}', input: { city: 'Paris' }, output: w });
    expect(record.parts[2]).toMatchObject(demoToolText.weatherSource('Paris'));
    expect(record.text).toBe(demoToolText.weatherAnswer(w));
    // The input reached the client in pieces before it was complete.
    const seen = [...partial].filter((t) => t !== '' && t !== '{"city":"Paris"}');
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const t of seen) expect('{"city":"Paris"}'.startsWith(t)).toBe(true);
    const held = await until(() => selectResponse(alice.ctrl.store.getState(), record.responseId), 'the client copy', { ok: (r) => r?.status === 'complete' });
    expect(held?.parts).toEqual(record.parts);
    await agent.stop();
  });

  it('send_email waits for approval; approved it is sent, with who approved', async () => {
    const { agent, records, alice } = await demoSession();
    await alice.ctrl.send('email ann@example.com about the launch');
    const [pending] = await until(() => selectPendingApprovals(alice.ctrl.store.getState()), 'the approval prompt', { ok: (p) => p.length === 1 });
    expect(pending.part).toMatchObject({ toolName: 'send_email', needsApproval: true, input: demoToolText.emailInput('ann@example.com') });
    expect(records).toEqual([]);
    expect((await alice.ctrl.approve(pending.part.toolCallId)).ok).toBe(true);
    const record = await until(() => records[0], 'the turn to end');
    expect(record.text).toBe(demoToolText.sent('ann@example.com'));
    expect(toolOf(record)).toMatchObject({ state: 'output-available', approval: { approved: true, by: 'alice' }, output: { sent: true, to: 'ann@example.com' } });
    await agent.stop();
  });

  it('send_email denied: nothing is sent and the answer gives the reason', async () => {
    const { agent, records, alice } = await demoSession();
    await alice.ctrl.send('Email the team');
    const [pending] = await until(() => selectPendingApprovals(alice.ctrl.store.getState()), 'the approval prompt', { ok: (p) => p.length === 1 });
    await alice.ctrl.deny(pending.part.toolCallId, { reason: 'not before Monday' });
    const record = await until(() => records[0], 'the turn to end');
    expect(record.text).toBe('I did not send the email: not before Monday.');
    expect(toolOf(record)).toMatchObject({ state: 'denied', approval: { approved: false, by: 'alice', reason: 'not before Monday' } });
    expect(toolOf(record)?.output).toBeUndefined();
    await agent.stop();
  });

  it('a stop while the email waits for approval ends the turn cancelled, with the call undecided', async () => {
    const { agent, records, alice } = await demoSession();
    await alice.ctrl.send('Email the team');
    await until(() => selectPendingApprovals(alice.ctrl.store.getState()), 'the approval prompt', { ok: (p) => p.length === 1 });
    await alice.ctrl.cancel();
    const record = await until(() => records[0], 'the turn to end');
    expect(record.status).toBe('cancelled');
    expect(toolOf(record)).toMatchObject({ state: 'awaiting-approval' });
    expect(toolOf(record)?.approval).toBeUndefined();
    await agent.stop();
  });

  it('the reviewer never uses tools: it reviews a weather question in words', async () => {
    const { agent, records, alice } = await demoSession({ voice: 'reviewer' });
    await alice.ctrl.send('What is the weather in Paris? in 12 words');
    const record = await until(() => records[0], 'the turn to end');
    expect(record.parts.map((p) => p.type)).toEqual(['text']);
    expect(record.text).toBe(demoAnswer('What is the weather in Paris? in 12 words', 12, { voice: 'reviewer' }));
    await agent.stop();
  });
});
