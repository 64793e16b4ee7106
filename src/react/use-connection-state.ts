import type { ConnectionStatus } from '../core/transport.js';
import { useSessionController } from './session-context.js';
import { shallowObjectEqual, useSessionSelector } from './use-session-selector.js';

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
 * const { status, lastResumedAt } = useConnectionState();
 */
export function useConnectionState(): UseConnectionStateResponse {
  const ctrl = useSessionController('useConnectionState');
  return useSessionSelector(
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
}
