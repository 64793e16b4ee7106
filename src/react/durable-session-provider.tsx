import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { createSessionController, type SessionController, type SessionControllerOptions } from '../core/session-controller.js';
import type { SessionTransport } from '../core/transport.js';
import { SessionContext } from './session-context.js';
import { sharedController } from './shared-controller.js';

export interface DurableSessionProviderProps {
  /** The session to open. Changing it opens a new session (and a new store). */
  sessionId: string;
  /**
   * The connection, or a factory for it. A factory runs in the browser on mount, never during
   * server rendering, and the transport it returns is closed on unmount. Providers given the same
   * transport instance and session share one controller (and store), whose options are the first's.
   */
  transport: SessionTransport | (() => SessionTransport);
  /**
   * Label of this device in presence, e.g. "Laptop · Firefox". May change after mount (a label only
   * the browser can compute); presence follows. Default: none.
   */
  device?: string;
  /** Display name of this user in presence; presence follows changes. Default: none. */
  name?: string;
  /** Stable id of this tab. Default: a random id per provider. */
  tabId?: string;
  /** Advanced controller options (scheduler, history limits). */
  options?: Omit<SessionControllerOptions, 'transport' | 'sessionId' | 'presence'>;
  /**
   * Use an existing controller instead of creating one (the other props are then ignored). The
   * provider starts it on mount and never stops it: whoever created it calls `stop()`.
   */
  controller?: SessionController;
  children?: ReactNode;
}

/**
 * Opens one durable session for everything below it: ONE store and controller per session, shared
 * by every hook. Safe under StrictMode (a double mount keeps one subscription and one presence
 * entry) and during server rendering (nothing connects until mounted in a browser).
 *
 * @example
 * <DurableSessionProvider sessionId="support-42" transport={() => createAblyTransport({ authUrl: '/token' })}>
 *   <DurableChat />
 * </DurableSessionProvider>
 */
export function DurableSessionProvider(props: DurableSessionProviderProps): ReactNode {
  const { sessionId, transport, device, name, tabId, options, controller } = props;
  // An inline factory is a new function each render; only a transport instance identifies a connection.
  const factory = useRef(transport);
  factory.current = transport;
  const transportKey = typeof transport === 'function' ? null : transport;
  const ctrl = useMemo(() => {
    if (controller) return controller;
    const presence: { device?: string; name?: string; tabId?: string } = {};
    if (device !== undefined) presence.device = device;
    if (name !== undefined) presence.name = name;
    if (tabId !== undefined) presence.tabId = tabId;
    if (transportKey) return sharedController(transportKey, { ...options, sessionId, presence });
    return createSessionController({ ...options, transport: () => (factory.current as () => SessionTransport)(), sessionId, presence });
    // The controller is per session and connection; option objects are read once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, sessionId, transportKey]);
  useEffect(() => {
    // A stopped controller cannot start again, so one passed in must outlive this mount.
    if (ctrl === controller) {
      void ctrl.start();
      return;
    }
    void ctrl.acquire();
    return () => ctrl.release();
  }, [ctrl, controller]);
  useEffect(() => {
    if (ctrl !== controller) void ctrl.updatePresence({ device, name });
  }, [ctrl, controller, device, name]);
  return <SessionContext.Provider value={ctrl}>{props.children}</SessionContext.Provider>;
}
