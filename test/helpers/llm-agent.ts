// The common pieces of the tests that pipe an LLM SDK's stream into a session: a real agent whose
// handler the test gives, and the `ai` mock model's stream parts (the only stand-in, for the LLM).
import { simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { createAgent, type Turn, type TurnRecord } from '../../src/agent/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { client, createBroker } from './session-fixture.js';
import { until } from './until.js';

/** A real agent in session `s` on a fresh broker, running `handler`; not started. */
export function llmAgent(handler: (turn: Turn) => Promise<unknown>, agentId = 'llm') {
  const broker = createBroker();
  const records: TurnRecord[] = [];
  const agent = createAgent({ transport: createMemoryTransport({ broker, clientId: 'agent' }), sessionId: 's', agentId, batch: { intervalMs: 1, maxChars: 8 }, onTurnEnd: (r) => records.push(r), handler });
  return { broker, agent, records };
}

/** Starts the agent, has alice ask `prompt`, and resolves with the turn's record once it ended. */
export async function askOnce(a: ReturnType<typeof llmAgent>, prompt = 'hi'): Promise<TurnRecord> {
  await a.agent.start();
  const alice = client(a.broker, 'alice', 's');
  await alice.ctrl.acquire();
  await alice.ctrl.send(prompt);
  return until(() => a.records[0], 'the turn record');
}

/** One part of a mock model's stream, as `simulateReadableStream` takes it. */
export type ModelPart = Parameters<typeof simulateReadableStream<unknown>>[0]['chunks'][number];

const usage = { inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 20, text: 20, reasoning: 5 } };

/** The part a model step ends with. */
export const finish = (unified: 'stop' | 'tool-calls') => ({ type: 'finish', finishReason: { unified, raw: unified }, usage });

/** A mock model that streams `steps` in turn, one per call. */
export function stepsModel(...steps: ModelPart[][]): MockLanguageModelV3 {
  return new MockLanguageModelV3({ doStream: steps.map((chunks) => ({ stream: simulateReadableStream({ chunks }) })) as never });
}
