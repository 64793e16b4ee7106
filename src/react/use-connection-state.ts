/**
 * `useConnectionState`: the connection as a person should see it, and a stable `onDiscontinuity`
 * callback for when history had to fill what a reconnect could not resume.
 */
import { useEffect } from 'react';
import type { ConnectionInfo } from '../core/session-state.js';
import type { ConnectionStatus } from '../core/transport.js';
import { useSessionController } from './session-context.js';
import { useLatestRef } from './use-latest-ref.js';
import { shallowObjectEqual, useSessionSelector } from './use-session-selector.js';

export interface UseConnectionStateParams {
  /**
   * Called each time a backfill from history completes after a discontinuity (a reconnect that could
   * not resume) or a gap in a response's text — i.e. when `backfills` goes up. The store already holds
   * what was missed. Safe to pass an inline arrow: the newest one is called. Default: none.
   */
  onDiscontinuity?: (connection: ConnectionInfo) => void;
}

export interface UseConnectionStateResponse {
  status: ConnectionStatus;
  /** When the connection last came back with nothing missed (ms since epoch). */
  lastResumedAt: number | undefined;
  /** Whether history had to fill a discontinuity at least once. */
  backfilled: boolean;
  backfills: number;
  lastBackfillAt: number | undefined;
  /** Whether the transcript has been loaded from history. */
  hydrated: boolean;
  /** True while catching up from history. */
  backfilling: boolean;
}

/**
 * The connection as a person should see it: connected, reconnecting (`resuming`), offline, and
 * whether the last reconnect resumed cleanly or caught up from history.
 *
 * @example
 * const { status, lastResumedAt } = useConnectionState({
 *   onDiscontinuity: () => console.info('caught up from history'),
 * });
 */
export function useConnectionState(params: UseConnectionStateParams = {}): UseConnectionStateResponse {
  const ctrl = useSessionController('useConnectionState');
  const state = useSessionSelector(
    ctrl,
    (s) => ({
      status: s.connection.status,
      lastResumedAt: s.connection.lastResumedAt,
      backfilled: s.connection.backfills > 0,
      backfills: s.connection.backfills,
      lastBackfillAt: s.connection.lastBackfillAt,
      hydrated: s.connection.hydrated,
      backfilling: s.connection.backfilling,
    }),
    '',
    shallowObjectEqual,
  );
  const onDiscontinuity = useLatestRef(params.onDiscontinuity);
  const wanted = params.onDiscontinuity !== undefined;
  // Counted from what this render showed, so a backfill that ends before the effect runs is not lost.
  const renderedBackfills = useLatestRef(state.backfills);
  useEffect(() => {
    if (!wanted) return;
    let seen = renderedBackfills.current;
    const check = (c: ConnectionInfo) => {
      if (c.backfills <= seen) return;
      seen = c.backfills;
      onDiscontinuity.current?.(c);
    };
    const unsubscribe = ctrl.store.subscribe((s) => check(s.connection));
    check(ctrl.store.getState().connection);
    return unsubscribe;
  }, [ctrl, wanted, onDiscontinuity, renderedBackfills]);
  return state;
}
