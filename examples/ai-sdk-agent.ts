// The AI SDK @examples of the agent runtime, type-checked by `npm run typecheck` against the
// installed `ai` package: streamText's fullStream into a turn, and a tool loop that waits for approvals.
import { streamText, type LanguageModel, type ModelMessage, type ToolSet } from 'ai';
import { approvalResponses, createAgent, streamFrom, type Turn } from 'durable-sessions/agent';
import { createAblyTransport } from 'durable-sessions/ably';

declare const model: LanguageModel;
declare const tools: ToolSet;

export const agent = createAgent({
  transport: createAblyTransport({ options: { key: 'appId.keyId:secret', clientId: 'agent-support' } }),
  sessionId: 'session:42',
  agentId: 'support',
  handler: (turn) => streamFrom(turn, streamText({ model, prompt: turn.input.text, abortSignal: turn.signal }).fullStream),
});

export async function withApprovals(turn: Turn): Promise<void> {
  const messages: ModelMessage[] = [{ role: 'user', content: turn.input.text }];
  for (let step = 0; step < 5 && !turn.signal.aborted; step++) {
    const result = streamText({ model, tools, messages, abortSignal: turn.signal });
    await streamFrom(turn, result.fullStream);
    const decided = await approvalResponses(turn);
    if (decided.length === 0) break;
    messages.push(...(await result.response).messages, { role: 'tool', content: decided });
  }
}
