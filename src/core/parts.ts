/**
 * The parts a response is made of — text, reasoning, tool calls, sources, files and app data — as the
 * store holds them, shaped like the AI SDK's `UIMessage` parts so they read familiar.
 */

/** Where a tool call is. `awaiting-approval` only for calls the agent declared as needing approval. */
export type ToolCallState =
  | 'input-streaming'
  | 'input-available'
  | 'awaiting-approval'
  | 'running'
  | 'output-available'
  | 'output-error'
  | 'denied';

export const TOOL_CALL_STATES: readonly ToolCallState[] = [
  'input-streaming',
  'input-available',
  'awaiting-approval',
  'running',
  'output-available',
  'output-error',
  'denied',
];

/** States after which a tool call changes no more. */
export const isSettledToolState = (s: ToolCallState): boolean => s === 'output-available' || s === 'output-error' || s === 'denied';

export interface TextPart {
  type: 'text';
  id: string;
  text: string;
}

export interface ReasoningPart {
  type: 'reasoning';
  id: string;
  text: string;
  /** `streaming` until the agent closed it. */
  state: 'streaming' | 'done';
  /** How long the agent thought, once done (the agent's clock). */
  durationMs?: number;
}

/** Who decided an approval, and how. */
export interface ApprovalDecision {
  approved: boolean;
  /** Client id of the participant whose decision won. */
  by?: string;
  reason?: string;
}

export interface ToolCallPart {
  type: 'tool-call';
  /** Equals `toolCallId`: a part's id. */
  id: string;
  toolCallId: string;
  toolName: string;
  state: ToolCallState;
  /** The input's JSON text as streamed so far (partial until `input-available`). */
  inputText: string;
  /** The final input, from `input-available` on. */
  input?: unknown;
  output?: unknown;
  errorText?: string;
  /** True when the agent declared the call as needing a person's approval. */
  needsApproval?: boolean;
  /** The decision that settled `awaiting-approval`. */
  approval?: ApprovalDecision;
}

export interface SourcePart {
  type: 'source';
  id: string;
  url?: string;
  documentId?: string;
  title?: string;
}

export interface FilePart {
  type: 'file';
  id: string;
  mediaType: string;
  url: string;
  name?: string;
}

/** App-defined data (a chart, a progress value); replaced in place when the agent writes the same id again. */
export interface DataPart<T = unknown> {
  type: `data-${string}`;
  id: string;
  /** The name after `data-`. */
  name: string;
  data: T;
}

export type ResponsePart = TextPart | ReasoningPart | ToolCallPart | SourcePart | FilePart | DataPart;

/** A file a user attaches to a message, by URL (the kit stores no blobs). */
export interface Attachment {
  type: 'file';
  mediaType: string;
  url: string;
  name?: string;
}

export const isDataPart = (p: ResponsePart): p is DataPart => p.type.startsWith('data-');
