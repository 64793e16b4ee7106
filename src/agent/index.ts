// durable-sessions/agent: the agent-side runtime — serve user messages, stream responses, obey
// explicit cancels and steers, and serve many sessions from one process.
export { createAgent } from './create-agent.js';
export { allowAnyControl, participantsOnly } from './control-policy.js';
export type { Agent, AgentOptions, ControlPolicy, FileInput, SessionParticipants, SourceInput, ToolCallInput, TranscriptLine, Turn, TurnHandler, TurnRecord } from './agent-types.js';
export type { ToolCall } from './tool-call.js';
export { SteerQueue, type Steer } from './steer-queue.js';
export { streamFrom, type StreamFromOptions } from './stream-from.js';
export type { HasFullStream, StreamSource } from './stream-parts.js';
export { pipeUIMessageStream, uiApprovalResponses } from './ui-message-stream.js';
export { applyUIMessageChunk, isUIMessageChunk, type UIMessageChunkLike } from './ui-message-chunk.js';
export { AG_UI_STATE_ID, applyAgUiEvent, isAgUiEvent, type AgUiEvent } from './ag-ui.js';
export { applyJsonPatch, type JsonPatchOperation } from './json-patch.js';
export { approvalResponses, type AiSdkApprovalResponse, type AiSdkStreamPart, type StreamPartLike } from './ai-sdk-stream.js';
export { serveSessions, SESSION_OPEN, type ServeSessionsOptions, type SessionHost } from './serve-sessions.js';
export { delay } from './delay.js';
