export {
  allowAnyControl,
  createAgent,
  participantsOnly,
  type Agent,
  type AgentOptions,
  type ControlPolicy,
  type SessionParticipants,
  type Turn,
  type TurnHandler,
  type TurnRecord,
} from './create-agent.js';
export { SteerQueue, type Steer } from './steer-queue.js';
export { streamFrom } from './stream-from.js';
export { serveSessions, SESSION_OPEN, type ServeSessionsOptions, type SessionHost } from './serve-sessions.js';
export { delay } from './delay.js';
