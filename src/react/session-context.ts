/**
 * The context a DurableSessionProvider fills, and the one way hooks and components read it. Internal:
 * apps reach the controller through `useDurableSession().controller`.
 */
import { createContext, useContext } from 'react';
import { DurableSessionError } from '../core/errors.js';
import type { SessionController } from '../core/session-controller.js';

export const SessionContext = createContext<SessionController | null>(null);
SessionContext.displayName = 'DurableSessionContext';

/**
 * The session controller of the nearest provider. Outside one it throws an `invalid_state`
 * {@link DurableSessionError} naming `hookName` and the provider it needs.
 */
export function useSessionController(hookName: string): SessionController {
  const ctrl = useContext(SessionContext);
  if (!ctrl) {
    throw new DurableSessionError(
      'invalid_state',
      `${hookName} must be used inside <DurableSessionProvider>. Wrap the component that calls ${hookName} ` +
        `in <DurableSessionProvider sessionId="…" transport={…}> (or a <DurableChat> given sessionId and transport).`,
    );
  }
  return ctrl;
}
