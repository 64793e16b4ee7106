/**
 * `durable-sessions/react`: the provider and the hooks, each typed `useX(params?): UseXResponse` with
 * both types exported.
 */
export { DurableSessionProvider, type DurableSessionProviderProps } from './durable-session-provider.js';
export { useDurableSession, selectChatStatus, type ChatStatus, type UseDurableSessionParams, type UseDurableSessionResponse } from './use-durable-session.js';
export { useAgentStream, type UseAgentStreamParams, type UseAgentStreamResponse } from './use-agent-stream.js';
export { useStopButton, type StopState, type UseStopButtonParams, type UseStopButtonResponse } from './use-stop-button.js';
export { useSteer, type UseSteerParams, type UseSteerResponse } from './use-steer.js';
export { usePresence, type PresenceAgent, type PresenceUser, type UsePresenceParams, type UsePresenceResponse } from './use-presence.js';
export { useConnectionState, type UseConnectionStateParams, type UseConnectionStateResponse } from './use-connection-state.js';
export { useMessage, useMessageIds, type UseMessageIdsParams, type UseMessageIdsResponse, type UseMessageParams, type UseMessageResponse } from './use-message.js';
export { useToolCall, type ToolCallOwner, type UseToolCallParams, type UseToolCallResponse } from './use-tool-call.js';
export { useApproval, type PendingApproval, type UseApprovalParams, type UseApprovalResponse } from './use-approval.js';
export { useResponseVersions, type UseResponseVersionsParams, type UseResponseVersionsResponse } from './use-response-versions.js';
export { useThread, type UseThreadParams, type UseThreadResponse } from './use-thread.js';
export { useBranches, type UseBranchesParams, type UseBranchesResponse } from './use-branches.js';
