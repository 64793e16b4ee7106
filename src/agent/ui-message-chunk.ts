// One AI SDK UI message stream chunk applied to a turn, read structurally (no `ai` import): the
// mapping `streamFrom` and `pipeUIMessageStream` use for what a `/api/chat` route streams.
import type { Turn } from './agent-types.js';
import { ForeignToolCalls } from './foreign-tool-calls.js';

/** The UIMessageChunk fields this adapter reads, as `ai` 6 declares them. Other chunk types are skipped. */
export type UIMessageChunkLike =
  | { type: 'text-delta' | 'reasoning-delta'; id: string; delta: string }
  | { type: 'tool-input-start'; toolCallId: string; toolName: string }
  | { type: 'tool-input-delta'; toolCallId: string; inputTextDelta: string }
  | { type: 'tool-input-available'; toolCallId: string; toolName: string; input: unknown }
  | { type: 'tool-input-error'; toolCallId: string; toolName: string; input: unknown; errorText: string }
  | { type: 'tool-approval-request'; approvalId: string; toolCallId: string }
  | { type: 'tool-output-available'; toolCallId: string; output: unknown; preliminary?: boolean }
  | { type: 'tool-output-error'; toolCallId: string; errorText: string }
  | { type: 'source-url'; sourceId: string; url: string; title?: string }
  | { type: 'source-document'; sourceId: string; mediaType: string; title: string; filename?: string }
  | { type: 'file'; url: string; mediaType: string }
  | { type: `data-${string}`; id?: string; data: unknown; transient?: boolean }
  | { type: 'error'; errorText: string }
  | { type: 'abort'; reason?: string };

const UI_ONLY = new Set(['tool-input-available', 'tool-input-error', 'tool-output-available', 'tool-output-error', 'source-url', 'source-document', 'message-metadata']);

/**
 * Whether a chunk is a UI message stream chunk rather than a `fullStream` part: the two share type
 * names (`text-delta`, `file`, `error`, …) with different fields, so the fields decide.
 */
export function isUIMessageChunk(c: { type: string } & Record<string, unknown>): boolean {
  if (UI_ONLY.has(c.type) || c.type.startsWith('data-')) return true;
  switch (c.type) {
    case 'text-delta':
    case 'reasoning-delta':
      return typeof c.delta === 'string';
    case 'tool-input-start':
    case 'tool-approval-request':
      return typeof c.toolCallId === 'string';
    case 'tool-input-delta':
      return typeof c.inputTextDelta === 'string';
    case 'file':
      return typeof c.url === 'string';
    case 'error':
      return typeof c.errorText === 'string';
    default:
      return false;
  }
}

export const UI_STREAM = 'UI message stream';

/** Applies one UI message chunk to the turn. Throws on an `error` chunk (the turn ends `error`) and on a chunk naming an unknown tool call. */
export function applyUIMessageChunk(turn: Turn, c: UIMessageChunkLike): 'go' | 'stop' {
  const calls = ForeignToolCalls.of(turn, UI_STREAM);
  const callFor = (id: string, name: string) => calls.get(id) ?? calls.open(id, name);
  switch (c.type) {
    case 'text-delta':
      turn.write(c.delta);
      return 'go';
    case 'reasoning-delta':
      turn.reasoning(c.delta);
      return 'go';
    case 'tool-input-start':
      calls.open(c.toolCallId, c.toolName);
      return 'go';
    case 'tool-input-delta':
      calls.need(c.toolCallId, 'tool-input-delta').inputDelta(c.inputTextDelta);
      return 'go';
    case 'tool-input-available':
      callFor(c.toolCallId, c.toolName).input(c.input === undefined ? null : c.input);
      return 'go';
    case 'tool-input-error': {
      const call = callFor(c.toolCallId, c.toolName);
      call.input(c.input === undefined ? null : c.input);
      call.error(c.errorText);
      return 'go';
    }
    case 'tool-approval-request':
      calls.askApproval(calls.need(c.toolCallId, 'tool-approval-request'), c.approvalId);
      return 'go';
    case 'tool-output-available': {
      const call = calls.need(c.toolCallId, 'tool-output-available');
      if (c.preliminary) call.running();
      else call.output(c.output);
      return 'go';
    }
    case 'tool-output-error':
      calls.need(c.toolCallId, 'tool-output-error').error(c.errorText);
      return 'go';
    case 'source-url':
      turn.source(c.title === undefined ? { url: c.url } : { url: c.url, title: c.title });
      return 'go';
    case 'source-document':
      turn.source({ documentId: c.filename ?? c.sourceId, title: c.title });
      return 'go';
    case 'file':
      turn.file({ mediaType: c.mediaType, url: c.url });
      return 'go';
    case 'error':
      throw new Error(c.errorText);
    case 'abort':
      return 'stop';
    default:
      if (c.type.startsWith('data-') && !(c as { transient?: boolean }).transient) {
        const d = c as { type: string; id?: string; data: unknown };
        turn.data(d.type.slice(5), d.data, d.id);
      }
      return 'go';
  }
}
