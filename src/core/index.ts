// durable-sessions core: the protocol, the session store and its one reducer, the client-side
// controller and the transport interface — no React, no Node.
export * from './protocol.js';
export { parseEvent, parsePresenceData, parseTarget, type ParseResult } from './parse-event.js';
export * from './parts.js';
export { encodeOp, parseBody, RECORD_SEPARATOR, type BodyOp, type BodySegment } from './response-body.js';
export { build } from './build-event.js';
export { DurableSessionError, toSessionError, type ErrorCode } from './errors.js';
export type {
  AttachResult,
  ConnectionChange,
  ConnectionStatus,
  HistoryPage,
  HistoryQuery,
  PresenceMember,
  SessionTransport,
  TransportChannel,
  Unsubscribe,
} from './transport.js';
export {
  entryOf,
  initialSessionState,
  selectResponse,
  selectThread,
  type RetryRequest,
  turnStatus,
  type ApprovalRequest,
  type BranchChoice,
  type CancelRequest,
  type ConnectionInfo,
  type PresenceEntryView,
  type ResponseEntry,
  type SessionState,
  type SteerRequest,
  type ThreadEntry,
  type ThreadView,
  type TurnRecord,
  type TurnStatus,
  type UserEntry,
} from './session-state.js';
export { selectAgentActivity, selectPendingApprovals, selectToolCall, selectVersions } from './response-selectors.js';
export { reduceSession, type SessionAction } from './reduce-session.js';
export { branchChoice, parentOfTurn, selectBranchInfo, selectPath, selectPathEntries, selectTip, shownVersionKey, threadTree, type BranchInfo, type ThreadPath, type ThreadTree } from './thread-tree.js';
export { createSessionController, SessionController } from './session-controller.js';
export type { ControlResult, SendOptions, SessionControllerOptions, SessionControllerUpdate, ViewStorage } from './session-controller-options.js';
export { cancelCovers, reachedTurns, responsesInScope, targetedTurn, targetsResponse, type TargetedResponse } from './control-target.js';
export { readHistory, type ReadHistoryOptions } from './read-history.js';
export type { OffsetPrecondition, WirePolicy } from './wire-policy.js';
export { animationFrameScheduler, microtaskScheduler, type FrameScheduler } from './frame-scheduler.js';
export { randomId } from './ids.js';
