// The @examples of the agent runtime and the transports, type-checked by `npm run typecheck`.
// `myLlm` stands for any LLM SDK whose stream is an AsyncIterable<string> and honours an AbortSignal.
declare const myLlm: { stream(prompt: string, opts: { signal: AbortSignal }): AsyncIterable<string> };

import { createAgent, delay, streamFrom, type Turn } from 'durable-sessions/agent';
import { createAblyTransport } from 'durable-sessions/ably';

export async function thinkThenAnswer(turn: Turn): Promise<void> {
  await delay(50, turn.signal);
  if (turn.signal.aborted) return;
  turn.write('Thought about it.');
}

export const agent = createAgent({
  transport: createAblyTransport({ options: { key: 'appId.keyId:secret', clientId: 'agent-support' } }),
  sessionId: 'session:42',
  agentId: 'support',
  handler: (turn) => streamFrom(turn, myLlm.stream(turn.input.text, { signal: turn.signal })),
});

export function browserTransport() {
  const transport = createAblyTransport({ options: { authUrl: '/api/ably-token', transports: ['web_socket'] } });
  return transport;
}
