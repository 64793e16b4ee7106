// The README's takeover example, type-checked by `npm run typecheck`: two workers serve one agent; if
// the first dies mid-answer, the standby continues the same response from what the session holds.
declare const myLlm: { stream(prompt: string, opts: { signal: AbortSignal }): AsyncIterable<string> };

import { createAgent, streamFrom, type Turn } from 'durable-sessions/agent';
import { createAblyTransport } from 'durable-sessions/ably';

const handler = (turn: Turn) => {
  // A taker gets the text already written in turn.resumed; ask the model to carry on from there.
  const prompt = turn.resumed ? `${turn.input.text}\n\nContinue this answer:\n${turn.resumed.text}` : turn.input.text;
  return streamFrom(turn, myLlm.stream(prompt, { signal: turn.signal }));
};

for (const standby of [false, true]) {
  createAgent({
    transport: createAblyTransport({ options: { key: process.env.ABLY_API_KEY, clientId: 'agent-support' } }),
    sessionId: 'session:42',
    agentId: 'support',
    standby,
    takeover: 'continue',
    handler,
  }).start();
}
