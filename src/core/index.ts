export * from './protocol.js';
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
  initialSessionState,
  selectAgentActivity,
  turnStatus,
  type CancelRequest,
  type ConnectionInfo,
  type PresenceEntryView,
  type ResponseEntry,
  type SessionState,
  type SteerRequest,
  type ThreadEntry,
  type TurnStatus,
  type UserEntry,
} from './session-state.js';
export { reduceSession, type SessionAction } from './reduce-session.js';
export { createSessionController, selectResponse, SessionController, type ControlResult, type SessionControllerOptions } from './session-controller.js';
export { animationFrameScheduler, microtaskScheduler, type FrameScheduler } from './frame-scheduler.js';
export { randomId } from './ids.js';
export { seededRandom } from './random.js';
