// A real streamText (the `ai` package's mock model) into a session three ways — the result itself, its
// toUIMessageStream(), and a route's Response piped by pipeUIMessageStream — and what every client holds.
import { jsonSchema, readUIMessageStream, stepCountIs, streamText, tool, type UIMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { toUIParts } from '../../src/ai-sdk/index.js';
import { pipeUIMessageStream, streamFrom, type Turn } from '../../src/agent/index.js';
import { DurableSessionError } from '../../src/core/index.js';
import { client, responses } from '../helpers/session-fixture.js';
import { askOnce, finish, llmAgent, stepsModel, type ModelPart } from '../helpers/llm-agent.js';
import { until } from '../helpers/until.js';

const firstStep: ModelPart[] = [
  { type: 'stream-start', warnings: [] },
  { type: 'reasoning-start', id: 'r1' },
  { type: 'reasoning-delta', id: 'r1', delta: 'Weather, ' },
  { type: 'reasoning-delta', id: 'r1', delta: 'so call the tool.' },
  { type: 'reasoning-end', id: 'r1' },
  { type: 'text-start', id: 't1' },
  { type: 'text-delta', id: 't1', delta: 'Let me ' },
  { type: 'text-delta', id: 't1', delta: 'check. ' },
  { type: 'text-end', id: 't1' },
  { type: 'tool-input-start', id: 'call-1', toolName: 'weather' },
  { type: 'tool-input-delta', id: 'call-1', delta: '{"city":' },
  { type: 'tool-input-delta', id: 'call-1', delta: '"Paris"}' },
  { type: 'tool-input-end', id: 'call-1' },
  { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Paris"}' },
  { type: 'source', sourceType: 'url', id: 'src-1', url: 'https://weather.example/paris', title: 'Weather in Paris' },
  finish('tool-calls'),
];
const secondStep: ModelPart[] = [
  { type: 'text-start', id: 't2' },
  { type: 'text-delta', id: 't2', delta: 'It is 18 °C ' },
  { type: 'text-delta', id: 't2', delta: 'in Paris.' },
  { type: 'text-end', id: 't2' },
  finish('stop'),
];

function run(prompt: string, abortSignal: AbortSignal) {
  const model = stepsModel(firstStep, secondStep);
  const weather = tool({
    inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
    execute: async ({ city }) => ({ city, tempC: 18 }),
  });
  return streamText({ model, prompt, tools: { weather }, stopWhen: stepCountIs(2), abortSignal });
}

async function lastMessage(stream: ReadableStream<never>): Promise<UIMessage | undefined> {
  let last: UIMessage | undefined;
  for await (const m of readUIMessageStream({ stream })) last = m;
  return last;
}

/** What a reader sees in a UIMessage part. */
const seen = (parts: UIMessage['parts']) =>
  parts
    .filter((p) => p.type !== 'step-start')
    .map((p) => {
      const q = p as Record<string, unknown>;
      if (p.type === 'text' || p.type === 'reasoning') return { type: p.type, text: q.text };
      if (p.type.startsWith('tool-')) return { type: p.type, state: q.state, input: q.input, output: q.output };
      if (p.type === 'source-url') return { type: p.type, url: q.url, title: q.title };
      return { type: p.type };
    });

async function session(handler: (turn: Turn) => Promise<unknown>) {
  const { broker, agent, records } = llmAgent(handler);
  await agent.start();
  const alice = client(broker, 'alice', 's');
  const bob = client(broker, 'bob', 's');
  await Promise.all([alice.ctrl.acquire(), bob.ctrl.acquire()]);
  await alice.ctrl.send('Weather in Paris?');
  const record = await until(() => records[0], 'the turn record');
  const late = client(broker, 'carol', 's');
  await late.ctrl.acquire();
  for (const c of [alice, bob, late]) {
    const r = await until(() => responses(c.ctrl.store.getState())[0], `${c.transport.clientId} to see it end`, { ok: (x) => x?.status === 'complete' });
    expect(r.parts).toEqual(record.parts);
  }
  return record;
}

describe('a real streamText into a session', () => {
  it.each([
    ['the streamText result itself', (turn: Turn) => streamFrom(turn, run(turn.input.text, turn.signal))],
    ['its toUIMessageStream()', (turn: Turn) => streamFrom(turn, run(turn.input.text, turn.signal).toUIMessageStream({ sendReasoning: true, sendSources: true }))],
    ['a route Response, piped', (turn: Turn) => pipeUIMessageStream(turn, run(turn.input.text, turn.signal).toUIMessageStreamResponse({ sendReasoning: true, sendSources: true }))],
  ])('%s: every client holds the agent record, and it reads as the AI SDK reads its own stream', async (_how, handler) => {
    const record = await session(handler);
    expect(record.status).toBe('complete');
    expect(record.text).toBe('Let me check. It is 18 °C in Paris.');
    expect(record.parts.map((p) => p.type)).toEqual(['reasoning', 'text', 'tool-call', 'source', 'text']);
    expect(record.parts[2]).toMatchObject({ toolName: 'weather', state: 'output-available', inputText: '{"city":"Paris"}', input: { city: 'Paris' }, output: { city: 'Paris', tempC: 18 } });

    const sdk = await lastMessage(run('Weather in Paris?', new AbortController().signal).toUIMessageStream({ sendReasoning: true, sendSources: true }) as ReadableStream<never>);
    expect(seen(toUIParts(record.parts))).toEqual(seen(sdk!.parts));
  });

  it('a route that fails answers with a typed error and the turn ends in error', async () => {
    const failures: unknown[] = [];
    const record = await askOnce(
      llmAgent((turn) =>
        pipeUIMessageStream(turn, new Response('{"error":"busy"}', { status: 503, statusText: 'Service Unavailable' })).catch((e: unknown) => {
          failures.push(e);
          throw e;
        }),
      ),
    );
    expect(record.status).toBe('error');
    expect(failures[0]).toBeInstanceOf(DurableSessionError);
    expect(failures[0]).toMatchObject({ code: 'transport', statusCode: 503 });
  });

  it('a UI stream naming a tool call it never started is malformed', async () => {
    const failures: unknown[] = [];
    await session(async (turn) => {
      turn.write('Let me check. It is 18 °C in Paris.');
      try {
        await streamFrom(
          turn,
          (async function* () {
            yield { type: 'tool-input-delta', toolCallId: 'ghost', inputTextDelta: '{' };
          })(),
        );
      } catch (e) {
        failures.push(e);
      }
    });
    expect(failures[0]).toBeInstanceOf(DurableSessionError);
    expect((failures[0] as DurableSessionError).code).toBe('malformed_event');
  });
});
