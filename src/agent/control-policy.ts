/**
 * The two stock answers to "whose cancel or steer does this agent obey": participants of the
 * session only (the default), or anyone who can publish to it.
 */
import type { ControlPolicy } from './agent-types.js';

/**
 * The default {@link ControlPolicy}: obey a control only from a client that is in the session —
 * present now, or the author of a user message in it. A client id that merely can publish to the
 * channel (and never joined the conversation) cannot stop or steer the agent.
 */
export const participantsOnly: ControlPolicy = (control, session) =>
  control.clientId !== undefined && (session.present.has(control.clientId) || session.speakers.has(control.clientId));

/** A {@link ControlPolicy} that obeys every control: the opt-out from {@link participantsOnly}. */
export const allowAnyControl: ControlPolicy = () => true;
