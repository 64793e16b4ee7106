// streamFrom with the real `ai` package: streamText over a deterministic mock model, piped into a
// session on the memory transport; two tabs and a late joiner must hold exactly what the agent recorded.
import { jsonSchema, simulateReadableStream, stepCountIs, streamText, tool, type ModelMessage, type TextStreamPart, type ToolSet } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { approvalResponses, streamFrom, type AiSdkStreamPart } from '../../src/agent/index.js';
import { selectPendingApprovals, selectResponse, type ToolCallPart } from '../../src/core/index.js';
import { client, responses } from '../helpers/session-fixture.js';
import { finish, llmAgent, stepsModel, type ModelPart } from '../helpers/llm-agent.js';
import { until } from '../helpers/until.js';

// The structural types must accept what the installed SDK declares, part type by part type.
type Real = TextStreamPart<ToolSet>;
const accepts = (p: Extract<Real, { type: AiSdkStreamPart['type'] }>): AiSdkStreamPart => p;
void accepts;

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const firstStep: ModelPart[] = [
  { type: 'stream-start', warnings: [] },
  { type: 'reasoning-start', id: 'r1' },
  { type: 'reasoning-delta', id: 'r1', delta: 'The user wants ' },
  { type: 'reasoning-delta', id: 'r1', delta: 'the weather.' },
  { type: 'reasoning-end', id: 'r1' },
  { type: 'text-start', id: 't1' },
  { type: 'text-delta', id: 't1', delta: 'Let me ' },
  { type: 'text-delta', id: 't1', delta: 'check. ' },
  { type: 'text-end', id: 't1' },
  { type: 'tool-input-start', id: 'call-1', toolName: 'weather' },
  { type: 'tool-input-delta', id: 'call-1', delta: '{"ci' },
  { type: 'tool-input-delta', id: 'call-1', delta: 'ty":"Pa' },
  { type: 'tool-input-delta', id: 'call-1', delta: 'ris"}' },
  { type: 'tool-input-end', id: 'call-1' },
  { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Paris"}' },
  { type: 'source', sourceType: 'url', id: 'src-1', url: 'https://weather.example/paris', title: 'Weather in Paris' },
  { type: 'source', sourceType: 'document', id: 'src-2', mediaType: 'application/pdf', title: 'Climate report', filename: 'climate.pdf' },
  { type: 'file', mediaType: 'image/png', data: PNG },
  finish('tool-calls'),
];
const secondStep: ModelPart[] = [
  { type: 'text-start', id: 't2' },
  { type: 'text-delta', id: 't2', delta: 'It is 18 °C ' },
  { type: 'text-delta', id: 't2', delta: 'in Paris.' },
  { type: 'text-end', id: 't2' },
  finish('stop'),
];

/** Holds the stream before the chunk `holdAt` until `release()`, so a test can look mid-stream. */
function gated(chunks: ModelPart[], holdAt: number) {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  let i = 0;
  const stream = simulateReadableStream({ chunks }).pipeThrough(
    new TransformStream<ModelPart, ModelPart>({
      async transform(chunk, ctl) {
        if (i++ === holdAt) await gate;
        ctl.enqueue(chunk);
      },
    }),
  );
  return { stream, release };
}

const weather = (executed: unknown[], needsApproval = false) =>
  tool({
    description: 'Current weather in a city',
    inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
    needsApproval,
    execute: async ({ city }) => {
      executed.push(city);
      return { city, tempC: 18 };
    },
  });

const toolIn = (c: ReturnType<typeof client>, id: string) =>
  responses(c.ctrl.store.getState())
    .flatMap((r) => r.parts)
    .find((p): p is ToolCallPart => p.type === 'tool-call' && p.toolCallId === id);

describe('streamFrom: the AI SDK fullStream', () => {
  it('reasoning, text, a streamed tool call and its result, sources and a file: two tabs and a late joiner hold the record part by part', async () => {
    const first = gated(firstStep, 12);
    const model = new MockLanguageModelV3({ doStream: [{ stream: first.stream }, { stream: simulateReadableStream({ chunks: secondStep }) }] as never });
    const executed: unknown[] = [];
    const written: string[] = [];
    const { broker, agent, records } = llmAgent(async (turn) => {
      const result = streamText({ model, prompt: turn.input.text, tools: { weather: weather(executed) }, stopWhen: stepCountIs(2), abortSignal: turn.signal });
      written.push(await streamFrom(turn, result.fullStream));
    });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    const bob = client(broker, 'bob', 's');
    await Promise.all([alice.ctrl.acquire(), bob.ctrl.acquire()]);
    await alice.ctrl.send('Weather in Paris?');

    // Mid-stream: both tabs show the tool call's partial input text, still streaming.
    for (const c of [alice, bob]) {
      const p = await until(() => toolIn(c, 'call-1'), 'the partial input', { ok: (x) => x?.inputText === '{"city":"Pa' });
      expect(p?.state).toBe('input-streaming');
      expect(p?.toolName).toBe('weather');
    }
    first.release();
    const record = await until(() => records[0], 'the turn record', { ok: (r) => r !== undefined });

    expect(record.status).toBe('complete');
    expect(executed).toEqual(['Paris']);
    expect(record.text).toBe('Let me check. It is 18 °C in Paris.');
    expect(written).toEqual([record.text]);
    expect(record.parts.map((p) => p.type)).toEqual(['reasoning', 'text', 'tool-call', 'source', 'source', 'file', 'text']);
    expect(record.parts[0]).toMatchObject({ text: 'The user wants the weather.', state: 'done' });
    expect(record.parts[2]).toMatchObject({ toolCallId: 'call-1', state: 'output-available', inputText: '{"city":"Paris"}', input: { city: 'Paris' }, output: { city: 'Paris', tempC: 18 } });
    expect(record.parts[3]).toMatchObject({ url: 'https://weather.example/paris', title: 'Weather in Paris' });
    expect(record.parts[4]).toMatchObject({ documentId: 'climate.pdf', title: 'Climate report' });
    expect(record.parts[5]).toMatchObject({ mediaType: 'image/png', url: `data:image/png;base64,${PNG}` });

    const carol = client(broker, 'carol', 's');
    await carol.ctrl.acquire();
    for (const c of [alice, bob, carol]) {
      const r = await until(() => selectResponse(c.ctrl.store.getState(), record.responseId), 'the finished response', { ok: (x) => x?.status === 'complete' });
      expect(r?.parts).toEqual(record.parts);
      expect(r?.text).toBe(record.text);
    }
  });

  it('a cancel mid-stream aborts the model call’s abortSignal, stops pulling and ends the turn cancelled', async () => {
    const held = gated(firstStep, 7);
    const signals: (AbortSignal | undefined)[] = [];
    const model = new MockLanguageModelV3({
      doStream: async (o) => {
        signals.push(o.abortSignal);
        return { stream: held.stream as never };
      },
    });
    const { broker, agent, records } = llmAgent((turn) => streamFrom(turn, streamText({ model, prompt: turn.input.text, abortSignal: turn.signal }).fullStream));
    await agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('q');
    await until(() => responses(alice.ctrl.store.getState())[0]?.text, 'the first words', { ok: (t) => t === 'Let me ' });
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(false);
    expect((await alice.ctrl.cancel()).ok).toBe(true);
    const record = await until(() => records[0], 'the record', { ok: (r) => r !== undefined });
    expect(signals[0]?.aborted).toBe(true);
    expect(record).toMatchObject({ status: 'cancelled', aborted: true, text: 'Let me ' });
    // The model's remaining chunks never reach the session.
    held.release();
    const s = await until(() => responses(alice.ctrl.store.getState())[0], 'cancelled', { ok: (r) => r?.status === 'cancelled' });
    expect(s.parts).toEqual(record.parts);
    expect(s.text).toBe('Let me ');
  });

  it.each([
    ['approved by bob', true],
    ['denied by bob', false],
  ] as const)('a tool needing approval waits in every tab; %s, streamText continues from the decision', async (_name, approve) => {
    const executed: unknown[] = [];
    const model = stepsModel(firstStep, secondStep);
    const handed: unknown[] = [];
    const { broker, agent, records } = llmAgent(async (turn) => {
      const messages: ModelMessage[] = [{ role: 'user', content: turn.input.text }];
      for (let step = 0; step < 3; step++) {
        const result = streamText({ model, tools: { weather: weather(executed, true) }, messages, abortSignal: turn.signal });
        await streamFrom(turn, result.fullStream);
        const decided = await approvalResponses(turn);
        handed.push(...decided);
        if (decided.length === 0) break;
        messages.push(...(await result.response).messages, { role: 'tool', content: decided });
      }
    });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    const bob = client(broker, 'bob', 's');
    await Promise.all([alice.ctrl.acquire(), bob.ctrl.acquire()]);
    await alice.ctrl.send('Weather in Paris?');
    for (const c of [alice, bob]) {
      const pending = await until(() => selectPendingApprovals(c.ctrl.store.getState()), 'the approval prompt', { ok: (p) => p.length === 1 });
      expect(pending[0].part).toMatchObject({ toolCallId: 'call-1', state: 'awaiting-approval', input: { city: 'Paris' }, needsApproval: true });
    }
    expect(executed).toEqual([]);
    const r = approve ? await bob.ctrl.approve('call-1') : await bob.ctrl.deny('call-1', { reason: 'not now' });
    expect(r.ok).toBe(true);
    const record = await until(() => records[0], 'the record', { ok: (x) => x !== undefined });

    expect(record.status).toBe('complete');
    expect(handed).toEqual([{ type: 'tool-approval-response', approvalId: expect.any(String), approved: approve, ...(approve ? {} : { reason: 'not now' }) }]);
    expect(executed).toEqual(approve ? ['Paris'] : []);
    const call = record.parts.find((p): p is ToolCallPart => p.type === 'tool-call');
    expect(call).toMatchObject(approve ? { state: 'output-available', output: { city: 'Paris', tempC: 18 }, approval: { approved: true, by: 'bob' } } : { state: 'denied', approval: { approved: false, by: 'bob', reason: 'not now' } });
    expect(record.text).toBe('Let me check. It is 18 °C in Paris.');
    const carol = client(broker, 'carol', 's');
    await carol.ctrl.acquire();
    for (const c of [alice, bob, carol]) {
      const got = await until(() => selectResponse(c.ctrl.store.getState(), record.responseId), 'the finished response', { ok: (x) => x?.status === 'complete' });
      expect(got?.parts).toEqual(record.parts);
      expect(selectPendingApprovals(c.ctrl.store.getState())).toEqual([]);
    }
  });

  it('a provider id outside the session id characters gets a fresh one; an error part ends the turn error', async () => {
    const chunks: ModelPart[] = [
      { type: 'tool-input-start', id: 'call_9f/x', toolName: 'weather' },
      { type: 'tool-input-delta', id: 'call_9f/x', delta: '{"city":"Oslo"}' },
      { type: 'tool-input-end', id: 'call_9f/x' },
      { type: 'tool-call', toolCallId: 'call_9f/x', toolName: 'weather', input: '{"city":"Oslo"}' },
      { type: 'error', error: new Error('rate limited') },
    ];
    const model = new MockLanguageModelV3({ doStream: { stream: simulateReadableStream({ chunks }) } as never });
    const executed: unknown[] = [];
    const { broker, agent, records } = llmAgent((turn) => streamFrom(turn, streamText({ model, prompt: 'x', tools: { weather: weather(executed) }, abortSignal: turn.signal, onError: () => {} }).fullStream));
    await agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('q');
    const record = await until(() => records[0], 'the record', { ok: (x) => x !== undefined });
    expect(record.status).toBe('error');
    const call = record.parts[0] as ToolCallPart;
    expect(call.toolCallId).toMatch(/^[A-Za-z0-9._:@~-]+$/);
    expect(call).toMatchObject({ toolName: 'weather', inputText: '{"city":"Oslo"}', input: { city: 'Oslo' } });
    const got = await until(() => responses(alice.ctrl.store.getState())[0], 'the error', { ok: (x) => x?.status === 'error' });
    expect(got.error).toMatch(/rate limited/);
    expect(got.parts).toEqual(record.parts);
  });
});
