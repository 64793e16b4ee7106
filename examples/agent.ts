// The README's agent example, type-checked by `npm run typecheck`. `myLlm` stands for any LLM SDK
// whose stream is an AsyncIterable<string> and honours an AbortSignal.
declare const myLlm: { stream(prompt: string, opts: { signal: AbortSignal }): AsyncIterable<string> };

import { createAgent, streamFrom } from 'durable-sessions/agent';
import { createAblyTransport } from 'durable-sessions/ably';

createAgent({
  transport: createAblyTransport({ options: { key: process.env.ABLY_API_KEY, clientId: 'agent-support' } }),
  sessionId: 'session:42',
  agentId: 'support',
  // turn.signal fires on an explicit cancel only; turn.steers delivers mid-generation steering.
  handler: (turn) => streamFrom(turn, myLlm.stream(turn.input.text, { signal: turn.signal })),
}).start();
