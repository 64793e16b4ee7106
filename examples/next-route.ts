// A Next.js-style app keeping its /api/chat route and adding durability: the browser gets a token
// request from POST /api/token, and an agent worker pipes the existing route's answer into each turn.
import * as Ably from 'ably';
import { streamText, type LanguageModel } from 'ai';
import { createAgent, pipeUIMessageStream, streamFrom } from 'durable-sessions/agent';
import { createAblyTransport } from 'durable-sessions/ably';

declare const model: LanguageModel;
declare const process: { env: Record<string, string | undefined> };

// app/api/chat/route.ts — the route the team already has, unchanged.
export async function chatRoute(req: Request): Promise<Response> {
  const { prompt } = (await req.json()) as { prompt: string };
  return streamText({ model, prompt, abortSignal: req.signal }).toUIMessageStreamResponse();
}

// app/api/token/route.ts — the browser never holds the key: it gets a token limited to sessions.
export async function POST(req: Request): Promise<Response> {
  const clientId = new URL(req.url).searchParams.get('clientId') ?? 'anonymous';
  const rest = new Ably.Rest({ key: process.env.ABLY_API_KEY });
  const capability = JSON.stringify({ 'session:*': ['subscribe', 'publish', 'presence', 'history'] });
  return Response.json(await rest.auth.createTokenRequest({ clientId, capability }));
}

// worker.ts — answers each message by calling the route and piping its answer into the session.
export const worker = createAgent({
  transport: createAblyTransport({ options: { key: process.env.ABLY_API_KEY, clientId: 'agent-support' } }),
  sessionId: 'session:42',
  agentId: 'support',
  handler: async (turn) =>
    pipeUIMessageStream(turn, await chatRoute(new Request('http://worker/api/chat', { method: 'POST', body: JSON.stringify({ prompt: turn.input.text }), signal: turn.signal }))),
});

// Or, without a route: the streamText result itself.
export const direct = createAgent({
  transport: createAblyTransport({ options: { key: process.env.ABLY_API_KEY, clientId: 'agent-direct' } }),
  sessionId: 'session:42',
  agentId: 'direct',
  handler: (turn) => streamFrom(turn, streamText({ model, prompt: turn.input.text, abortSignal: turn.signal })),
});

// An AG-UI agent over HTTP: its server-sent events stream straight into the turn.
export const agUi = createAgent({
  transport: createAblyTransport({ options: { key: process.env.ABLY_API_KEY, clientId: 'agent-ag-ui' } }),
  sessionId: 'session:42',
  agentId: 'planner',
  handler: async (turn) =>
    streamFrom(turn, await fetch('https://agents.example/planner', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ threadId: turn.sessionId, runId: turn.turnId, messages: [{ id: turn.turnId, role: 'user', content: turn.input.text }], tools: [], context: [], state: {}, forwardedProps: {} }),
      signal: turn.signal,
    })),
});
