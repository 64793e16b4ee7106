/**
 * `DurableSessionProvider`: opens one session (one store and controller) for everything below it and
 * keeps the controller in step with the props that may change after mount.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createSessionController, type SessionController, type SessionControllerOptions, type SessionControllerUpdate } from '../core/session-controller.js';
import type { SessionTransport } from '../core/transport.js';
import { SessionContext } from './session-context.js';
import { sharedController } from './shared-controller.js';
import { useLatestRef } from './use-latest-ref.js';

export interface DurableSessionProviderProps {
  /** The session to open. Changing it opens a new session (and a new store). */
  sessionId: string;
  /**
   * The connection, or a factory for it. A factory runs in the browser on mount, never during
   * server rendering, and the transport it returns is closed on unmount. Providers given the same
   * transport instance and session share one controller (and store), created with the first's options.
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
  /**
   * Advanced controller options. Changes to `trustAgent`, `maxInputChars` and `maxHistory` reach the
   * open session (an inline `trustAgent` arrow is fine: the newest one decides; a number removed
   * keeps its last value); the others are read when the session opens. Default: none.
   */
  options?: Omit<SessionControllerOptions, 'transport' | 'sessionId' | 'presence'>;
  /**
   * Use an existing controller instead of creating one (the other props are then ignored). The
   * provider starts it on mount and never stops it: whoever created it calls `stop()`.
   */
  controller?: SessionController;
  children?: ReactNode;
}

/** What changed between two renders' options that a running controller takes, if anything. */
function changes(last: SessionControllerUpdate, next: SessionControllerUpdate): SessionControllerUpdate | undefined {
  const update: SessionControllerUpdate = {};
  if (next.trustAgent !== last.trustAgent) update.trustAgent = next.trustAgent;
  if (next.maxInputChars !== undefined && next.maxInputChars !== last.maxInputChars) update.maxInputChars = next.maxInputChars;
  if (next.maxHistory !== undefined && next.maxHistory !== last.maxHistory) update.maxHistory = next.maxHistory;
  return Object.keys(update).length > 0 ? update : undefined;
}

/**
 * Opens one durable session for everything below it: ONE store and controller per session, shared
 * by every hook. Safe under StrictMode (a double mount keeps one subscription and one presence
 * entry) and during server rendering (nothing connects until mounted in a browser).
 *
 * @example
 * <DurableSessionProvider sessionId="support-42" transport={() => createAblyTransport({ options: { authUrl: '/token' } })}>
 *   <DurableChat />
 * </DurableSessionProvider>
 */
export function DurableSessionProvider(props: DurableSessionProviderProps): ReactNode {
  const { sessionId, transport, device, name, tabId, options, controller } = props;
  // An inline factory is a new function each render; only a transport instance identifies a connection.
  const factory = useLatestRef(transport);
  const transportKey = typeof transport === 'function' ? null : transport;
  const latest = useLatestRef(options);
  // The controller keeps this one function; it asks whichever `trustAgent` was rendered last.
  const [trustAgent] = useState(() => (clientId: string | undefined) => latest.current?.trustAgent?.(clientId) ?? true);
  const trust = options?.trustAgent ? trustAgent : undefined;
  const maxInputChars = options?.maxInputChars;
  const maxHistory = options?.maxHistory;

  const ctrl = useMemo(() => {
    if (controller) return controller;
    const presence: { device?: string; name?: string; tabId?: string } = {};
    if (device !== undefined) presence.device = device;
    if (name !== undefined) presence.name = name;
    if (tabId !== undefined) presence.tabId = tabId;
    const opts = { ...options, trustAgent: trust, sessionId, presence };
    if (transportKey) return sharedController(transportKey, opts);
    return createSessionController({ ...opts, transport: () => (factory.current as () => SessionTransport)() });
    // The controller is per session and connection; later option changes are pushed below.
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

  // A controller opens with the options it was created with (when shared, its first provider's), so
  // only what changes after that is pushed.
  const pushed = useRef<{ ctrl: SessionController; live: SessionControllerUpdate } | null>(null);
  useEffect(() => {
    if (ctrl === controller) return;
    const live = { trustAgent: trust, maxInputChars, maxHistory };
    const last = pushed.current;
    pushed.current = { ctrl, live };
    const update = last?.ctrl === ctrl ? changes(last.live, live) : undefined;
    if (update) ctrl.setOptions(update);
  }, [ctrl, controller, trust, maxInputChars, maxHistory]);

  return <SessionContext.Provider value={ctrl}>{props.children}</SessionContext.Provider>;
}
