// AG-UI agents into a session: each event of the AG-UI protocol (as @ag-ui/core 1.0.0 defines it)
// becomes the turn's text, reasoning, tool calls, or a `data-state` part; `streamFrom` reads them.
import { DurableSessionError } from '../core/errors.js';
import type { Turn } from './agent-types.js';
import { ForeignToolCalls } from './foreign-tool-calls.js';
import { applyJsonPatch, type JsonPatchOperation } from './json-patch.js';

/**
 * The AG-UI events this adapter reads, with the fields it reads (AG-UI core 1.0.0, `EventType`).
 * Written structurally so the runtime needs no AG-UI package; the real types are checked against
 * these in the tests.
 */
export type AgUiEvent =
  | { type: 'RUN_STARTED'; threadId: string; runId: string }
  | { type: 'RUN_FINISHED'; threadId: string; runId: string; result?: unknown }
  | { type: 'RUN_ERROR'; message: string; code?: string }
  | { type: 'TEXT_MESSAGE_START'; messageId: string; role?: string }
  | { type: 'TEXT_MESSAGE_CONTENT'; messageId: string; delta: string }
  | { type: 'TEXT_MESSAGE_END'; messageId: string }
  | { type: 'TEXT_MESSAGE_CHUNK'; messageId?: string; role?: string; delta?: string }
  | { type: 'TOOL_CALL_START'; toolCallId: string; toolCallName: string; parentMessageId?: string }
  | { type: 'TOOL_CALL_ARGS'; toolCallId: string; delta: string }
  | { type: 'TOOL_CALL_END'; toolCallId: string }
  | { type: 'TOOL_CALL_CHUNK'; toolCallId?: string; toolCallName?: string; delta?: string }
  | { type: 'TOOL_CALL_RESULT'; messageId: string; toolCallId: string; content: string | unknown[] }
  | { type: 'REASONING_START' | 'REASONING_END' | 'REASONING_MESSAGE_START' | 'REASONING_MESSAGE_END'; messageId: string }
  | { type: 'REASONING_MESSAGE_CONTENT'; messageId: string; delta: string }
  | { type: 'REASONING_MESSAGE_CHUNK'; messageId?: string; delta?: string }
  | { type: 'STATE_SNAPSHOT'; snapshot: unknown }
  | { type: 'STATE_DELTA'; delta: JsonPatchOperation[] };

/** Events AG-UI defines that say nothing a response part holds; they are read and skipped. */
const SKIPPED = new Set([
  'MESSAGES_SNAPSHOT',
  'ACTIVITY_SNAPSHOT',
  'ACTIVITY_DELTA',
  'RAW',
  'CUSTOM',
  'STEP_STARTED',
  'STEP_FINISHED',
  'REASONING_ENCRYPTED_VALUE',
  'SUBAGENT_STARTED',
  'SUBAGENT_FINISHED',
  'SUBAGENT_ERROR',
]);

/** Whether a chunk is an AG-UI event: AG-UI types are upper-case, the AI SDK's lower-case. */
export const isAgUiEvent = (c: { type: string }): boolean => /^[A-Z][A-Z_]*$/.test(c.type);

/** The id of the `data-state` part that carries AG-UI shared state. */
export const AG_UI_STATE_ID = 'ag-ui-state';

interface RunState {
  messages: Set<string>;
  state: unknown;
  lastCall?: string;
}

const runs = new WeakMap<Turn, RunState>();
const PROTOCOL = 'AG-UI';

const malformed = (msg: string) => new DurableSessionError('malformed_event', `${PROTOCOL}: ${msg}`);

function contentOf(content: string | unknown[]): unknown {
  if (typeof content !== 'string') return content;
  try {
    return JSON.parse(content) as unknown;
  } catch {
    return content;
  }
}

/**
 * Applies one AG-UI event to the turn. `RUN_FINISHED` stops the stream; `RUN_ERROR` throws, so the
 * turn ends `error` with its message. An unknown event type, text for a message never started, or
 * tool-call events for a call never started throw a `DurableSessionError` (`unknown_event`,
 * `malformed_event`) — the turn ends `error` rather than showing a half-understood answer.
 */
export function applyAgUiEvent(turn: Turn, e: AgUiEvent): 'go' | 'stop' {
  let run = runs.get(turn);
  if (!run) runs.set(turn, (run = { messages: new Set(), state: undefined }));
  const calls = ForeignToolCalls.of(turn, PROTOCOL);
  switch (e.type) {
    case 'RUN_STARTED':
      return 'go';
    case 'RUN_FINISHED':
      return 'stop';
    case 'RUN_ERROR':
      throw new Error(e.code ? `${e.message} (${e.code})` : e.message);
    case 'TEXT_MESSAGE_START':
      run.messages.add(e.messageId);
      return 'go';
    case 'TEXT_MESSAGE_CONTENT':
      if (!run.messages.has(e.messageId)) throw malformed(`TEXT_MESSAGE_CONTENT for message ${JSON.stringify(e.messageId)}, which no TEXT_MESSAGE_START began.`);
      turn.write(e.delta);
      return 'go';
    case 'TEXT_MESSAGE_END':
      if (!run.messages.has(e.messageId)) throw malformed(`TEXT_MESSAGE_END for message ${JSON.stringify(e.messageId)}, which no TEXT_MESSAGE_START began.`);
      return 'go';
    case 'TEXT_MESSAGE_CHUNK':
      if (e.delta) turn.write(e.delta);
      return 'go';
    case 'TOOL_CALL_START':
      calls.open(e.toolCallId, e.toolCallName);
      run.lastCall = e.toolCallId;
      return 'go';
    case 'TOOL_CALL_ARGS':
      calls.need(e.toolCallId, 'TOOL_CALL_ARGS').inputDelta(e.delta);
      return 'go';
    case 'TOOL_CALL_END':
      calls.need(e.toolCallId, 'TOOL_CALL_END').input();
      return 'go';
    case 'TOOL_CALL_CHUNK': {
      const id = e.toolCallId ?? run.lastCall;
      if (id === undefined) throw malformed('TOOL_CALL_CHUNK names no tool call and none was started.');
      let call = calls.get(id);
      if (!call) {
        if (!e.toolCallName) throw malformed(`TOOL_CALL_CHUNK starts tool call ${JSON.stringify(id)} without a toolCallName.`);
        call = calls.open(id, e.toolCallName);
        run.lastCall = id;
      }
      if (e.delta) call.inputDelta(e.delta);
      return 'go';
    }
    case 'TOOL_CALL_RESULT': {
      const call = calls.need(e.toolCallId, 'TOOL_CALL_RESULT');
      call.output(contentOf(e.content));
      return 'go';
    }
    case 'REASONING_START':
    case 'REASONING_END':
    case 'REASONING_MESSAGE_START':
    case 'REASONING_MESSAGE_END':
      return 'go';
    case 'REASONING_MESSAGE_CONTENT':
    case 'REASONING_MESSAGE_CHUNK':
      if (e.delta) turn.reasoning(e.delta);
      return 'go';
    case 'STATE_SNAPSHOT':
      run.state = e.snapshot;
      turn.data('state', run.state, AG_UI_STATE_ID);
      return 'go';
    case 'STATE_DELTA':
      if (!Array.isArray(e.delta)) throw malformed('STATE_DELTA needs a JSON Patch array as its delta.');
      run.state = applyJsonPatch(run.state ?? {}, e.delta);
      turn.data('state', run.state, AG_UI_STATE_ID);
      return 'go';
    default: {
      const type = (e as { type: string }).type;
      if (SKIPPED.has(type)) return 'go';
      throw new DurableSessionError('unknown_event', `${PROTOCOL}: unknown event type ${JSON.stringify(type).slice(0, 60)}; AG-UI core 1.0.0 defines no such event.`);
    }
  }
}
