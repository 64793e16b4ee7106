import { createContext, useContext } from 'react';
import type { SessionController } from '../core/session-controller.js';

export const SessionContext = createContext<SessionController | null>(null);
SessionContext.displayName = 'DurableSessionContext';

/** The session controller of the nearest provider; throws an error naming the hook otherwise. */
export function useSessionController(hookName: string): SessionController {
  const ctrl = useContext(SessionContext);
  if (!ctrl) {
    throw new Error(
      `${hookName} must be used inside <DurableSessionProvider>. Wrap the component that calls ${hookName} ` +
        `in <DurableSessionProvider sessionId="…" transport={…}>.`,
    );
  }
  return ctrl;
}
