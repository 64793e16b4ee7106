// Maps the Vercel AI SDK's `streamText(...).fullStream` parts onto a turn, read structurally so the
// runtime needs no `ai` import; and hands back approval decisions in the shape `streamText` continues from.
import { DurableSessionError } from '../core/errors.js';
import type { ApprovalDecision } from '../core/parts.js';
import { id as validId } from '../core/validate.js';
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

interface Entry {
  call: ToolCall;
  approval?: { approvalId: string; providerExecuted: boolean; decision: Promise<ApprovalDecision>; handedOut: boolean };
}

/**
 * The SDK's tool calls per turn, by the SDK's id: a `tool-result` arrives in the next `streamText`
 * call (after an approval), so the mapping has to outlive one stream.
 */
const callsOf = new WeakMap<Turn, Map<string, Entry>>();

/** After a chunk: keep pulling, or stop (the SDK reported an abort). */
export type ChunkOutcome = 'go' | 'stop';

const message = (e: unknown): string => (e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e) ?? String(e));

function isId(v: string): boolean {
  try {
    validId(v, 'toolCallId');
    return true;
  } catch {
    return false;
  }
}

function calls(turn: Turn): Map<string, Entry> {
  let m = callsOf.get(turn);
  if (!m) callsOf.set(turn, (m = new Map()));
  return m;
}

function open(turn: Turn, sdkId: string, toolName: string): Entry {
  // Provider ids such as `call_abc` fall outside the session's id characters; those get a fresh
  // id, and the SDK id keeps finding the call through the map.
  let call: ToolCall;
  try {
    call = turn.toolCall(isId(sdkId) ? { toolName, toolCallId: sdkId } : { toolName });
  } catch (e) {
    if (!(e instanceof DurableSessionError) || e.code !== 'invalid_argument') throw e;
    call = turn.toolCall({ toolName });
  }
  const entry: Entry = { call };
  calls(turn).set(sdkId, entry);
  return entry;
}

const settled = (c: ToolCall) => c.state === 'output-available' || c.state === 'output-error' || c.state === 'denied';

function withInput(entry: Entry, input: unknown): ToolCall {
  if (entry.call.state === 'input-streaming') entry.call.input(input === undefined ? null : input);
  return entry.call;
}

/** Applies one `fullStream` part to the turn. Throws on an `error` part, so the turn ends `error`. */
export async function applyAiSdkPart(turn: Turn, p: AiSdkStreamPart, opts: AiSdkOptions): Promise<ChunkOutcome> {
  const known = (sdkId: string) => calls(turn).get(sdkId);
  switch (p.type) {
    case 'text-delta':
      turn.write(p.text);
      return 'go';
    case 'reasoning-delta':
      turn.reasoning(p.text);
      return 'go';
    case 'tool-input-start':
      open(turn, p.id, p.toolName);
      return 'go';
    case 'tool-input-delta': {
      const e = known(p.id);
      if (e?.call.state === 'input-streaming') e.call.inputDelta(p.delta);
      return 'go';
    }
    case 'tool-call': {
      const prior = known(p.toolCallId);
      // A settled call under the same id is a new call by a provider that reuses ids across steps.
      const e = prior && !settled(prior.call) ? prior : open(turn, p.toolCallId, p.toolName);
      withInput(e, p.input);
      return 'go';
    }
    case 'tool-approval-request': {
      const tc = p.toolCall;
      const prior = known(tc.toolCallId);
      const e = prior && !settled(prior.call) ? prior : open(turn, tc.toolCallId, tc.toolName);
      if (e.approval || withInput(e, tc.input).state !== 'input-available') return 'go';
      const decision = e.call.approval();
      // Rejects on cancel; whoever awaits `approvalResponses` sees that, nobody else needs to.
      decision.catch(() => {});
      e.approval = { approvalId: p.approvalId, providerExecuted: tc.providerExecuted === true, decision, handedOut: false };
      return 'go';
    }
    case 'tool-result': {
      const e = known(p.toolCallId) ?? open(turn, p.toolCallId, p.toolName);
      const call = withInput(e, p.input);
      if (call.state !== 'input-available' && call.state !== 'running') return 'go';
      if (p.preliminary) call.running();
      else call.output(p.output);
      return 'go';
    }
    case 'tool-error': {
      const e = known(p.toolCallId) ?? open(turn, p.toolCallId, p.toolName);
      const call = withInput(e, p.input);
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
  const pending = [...(callsOf.get(turn)?.values() ?? [])].flatMap((e) => (e.approval && !e.approval.handedOut ? [e.approval] : []));
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
