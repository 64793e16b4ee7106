// Maps the Vercel AI SDK's `streamText(...).fullStream` parts onto a turn, read structurally so the
// runtime needs no `ai` import; and hands back approval decisions in the shape `streamText` continues from.
import { ForeignToolCalls } from './foreign-tool-calls.js';
import type { Turn } from './agent-types.js';
import type { ToolCall } from './tool-call.js';

/**
 * The `fullStream` parts this adapter reads, with the fields it reads, as `ai` 6 declares them
 * (`TextStreamPart`). Other part types (`start`, `start-step`, `finish-step`, `raw`, …) are skipped.
 */
export type AiSdkStreamPart =
  | { type: 'text-start' | 'text-end' | 'reasoning-start' | 'reasoning-end' | 'tool-input-end'; id: string }
  | { type: 'text-delta' | 'reasoning-delta'; id: string; text: string }
  | { type: 'tool-input-start'; id: string; toolName: string }
  | { type: 'tool-input-delta'; id: string; delta: string }
  | { type: 'tool-call'; toolCallId: string; toolName: string; input: unknown }
  | { type: 'tool-result'; toolCallId: string; toolName: string; input: unknown; output: unknown; preliminary?: boolean }
  | { type: 'tool-error'; toolCallId: string; toolName: string; input: unknown; error: unknown }
  | { type: 'tool-output-denied'; toolCallId: string; toolName: string }
  | { type: 'tool-approval-request'; approvalId: string; toolCall: { toolCallId: string; toolName: string; input: unknown; providerExecuted?: boolean } }
  | { type: 'source'; sourceType: 'url'; id: string; url: string; title?: string }
  | { type: 'source'; sourceType: 'document'; id: string; mediaType: string; title: string; filename?: string }
  | { type: 'file'; file: { base64: string; mediaType: string } }
  | { type: 'finish'; finishReason: string }
  | { type: 'abort'; reason?: string }
  | { type: 'error'; error: unknown };

/** Any object chunk with a `type`: what `streamFrom` accepts beside strings. */
export interface StreamPartLike {
  type: string;
}

/** What the session should continue `streamText` with: `{ role: 'tool', content: responses }`. */
export interface AiSdkApprovalResponse {
  type: 'tool-approval-response';
  approvalId: string;
  approved: boolean;
  reason?: string;
  providerExecuted?: boolean;
}

export interface AiSdkOptions {
  /**
   * Where a generated file goes. Default: inline as a `data:` URL, which only fits small files (a
   * part record holds 32 000 characters); upload larger ones and return their URL.
   */
  fileUrl?: (file: { base64: string; mediaType: string }) => string | Promise<string>;
}

const AI_SDK = 'AI SDK stream';

/** After a chunk: keep pulling, or stop (the SDK reported an abort). */
export type ChunkOutcome = 'go' | 'stop';

const message = (e: unknown): string => (e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e) ?? String(e));

const settled = (c: ToolCall) => c.state === 'output-available' || c.state === 'output-error' || c.state === 'denied';

function withInput(call: ToolCall, input: unknown): ToolCall {
  if (call.state === 'input-streaming') call.input(input === undefined ? null : input);
  return call;
}

/** Applies one `fullStream` part to the turn. Throws on an `error` part, so the turn ends `error`. */
export async function applyAiSdkPart(turn: Turn, p: AiSdkStreamPart, opts: AiSdkOptions): Promise<ChunkOutcome> {
  // The SDK's tool calls by the SDK's id: a `tool-result` arrives in the next `streamText` call
  // (after an approval), so the table outlives one stream.
  const calls = ForeignToolCalls.of(turn, AI_SDK);
  // A settled call under the same id is a new call by a provider that reuses ids across steps.
  const current = (sdkId: string, toolName: string) => {
    const prior = calls.get(sdkId);
    return prior && !settled(prior) ? prior : calls.open(sdkId, toolName);
  };
  switch (p.type) {
    case 'text-delta':
      turn.write(p.text);
      return 'go';
    case 'reasoning-delta':
      turn.reasoning(p.text);
      return 'go';
    case 'tool-input-start':
      calls.open(p.id, p.toolName);
      return 'go';
    case 'tool-input-delta': {
      const call = calls.get(p.id);
      if (call?.state === 'input-streaming') call.inputDelta(p.delta);
      return 'go';
    }
    case 'tool-call':
      withInput(current(p.toolCallId, p.toolName), p.input);
      return 'go';
    case 'tool-approval-request': {
      const tc = p.toolCall;
      const call = current(tc.toolCallId, tc.toolName);
      if (withInput(call, tc.input).state === 'input-available') calls.askApproval(call, p.approvalId, tc.providerExecuted === true);
      return 'go';
    }
    case 'tool-result': {
      const call = withInput(calls.get(p.toolCallId) ?? calls.open(p.toolCallId, p.toolName), p.input);
      if (call.state !== 'input-available' && call.state !== 'running') return 'go';
      if (p.preliminary) call.running();
      else call.output(p.output);
      return 'go';
    }
    case 'tool-error': {
      const call = withInput(calls.get(p.toolCallId) ?? calls.open(p.toolCallId, p.toolName), p.input);
      if (call.state === 'input-available' || call.state === 'running') call.error(message(p.error));
      return 'go';
    }
    case 'source':
      if (p.sourceType === 'url') turn.source(p.title === undefined ? { url: p.url } : { url: p.url, title: p.title });
      else turn.source({ documentId: p.filename ?? p.id, title: p.title });
      return 'go';
    case 'file': {
      const { base64, mediaType } = p.file;
      const url = opts.fileUrl ? await opts.fileUrl(p.file) : `data:${mediaType};base64,${base64}`;
      turn.file({ mediaType, url });
      return 'go';
    }
    case 'abort':
      return 'stop';
    case 'error':
      throw new Error(message(p.error));
    default:
      return 'go';
  }
}

/**
 * The decisions on every approval request streamed into this turn and not handed out before, once
 * each is decided in the session, shaped as the `tool` message that lets `streamText` continue: it
 * runs approved tools (their results stream into the same tool calls) and reports denied ones.
 * Rejects when the turn is cancelled while a decision is awaited. Resolves `[]` when none is pending.
 *
 * @example
 * for (let step = 0; step < 5 && !turn.signal.aborted; step++) {
 *   const result = streamText({ model, tools, messages, abortSignal: turn.signal });
 *   await streamFrom(turn, result.fullStream);
 *   const decided = await approvalResponses(turn);
 *   if (decided.length === 0) break;
 *   messages.push(...(await result.response).messages, { role: 'tool', content: decided });
 * }
 */
export async function approvalResponses(turn: Turn): Promise<AiSdkApprovalResponse[]> {
  const pending = ForeignToolCalls.of(turn, AI_SDK).approvals.filter((a) => !a.handedOut);
  for (const a of pending) a.handedOut = true;
  return Promise.all(
    pending.map(async (a) => {
      const d = await a.decision;
      const r: AiSdkApprovalResponse = { type: 'tool-approval-response', approvalId: a.approvalId, approved: d.approved };
      if (d.reason !== undefined) r.reason = d.reason;
      if (a.providerExecuted) r.providerExecuted = true;
      return r;
    }),
  );
}
