/**
 * One controller per (transport instance, session), shared by every provider given that transport,
 * so two providers never detach each other's channel.
 */
import { createSessionController, type SessionController, type SessionControllerOptions } from '../core/session-controller.js';
import type { SessionTransport } from '../core/transport.js';

// A transport hands out one channel object per session, and a controller's teardown detaches that
// channel and leaves presence for the whole connection. Two controllers on one transport and session
// would therefore cut each other off, so providers given the same transport instance share one.
const byTransport = new WeakMap<SessionTransport, Map<string, SessionController>>();

/**
 * The live controller of `sessionId` on `transport`, or a new one. Its reference count (acquire /
 * release) keeps it open while any provider uses it, so a provider remounted in the same commit — a
 * key change, a route that renders the chat again — picks the session up where it was instead of
 * being detached by its predecessor's deferred teardown.
 */
export function sharedController(transport: SessionTransport, opts: Omit<SessionControllerOptions, 'transport'>): SessionController {
  let sessions = byTransport.get(transport);
  if (!sessions) {
    sessions = new Map();
    byTransport.set(transport, sessions);
  }
  const live = sessions.get(opts.sessionId);
  if (live && !live.stopped) return live;
  const ctrl = createSessionController({ ...opts, transport });
  sessions.set(opts.sessionId, ctrl);
  return ctrl;
}
