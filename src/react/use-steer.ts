import { useCallback, useMemo } from 'react';
import type { ControlTarget } from '../core/protocol.js';
import type { ControlResult } from '../core/session-controller.js';
import { entryOf, turnStatus, type SessionState, type SteerRequest } from '../core/session-state.js';
import { useSessionController } from './session-context.js';
import { shallowArrayEqual, useSessionSelector } from './use-session-selector.js';

export interface UseSteerResponse {
  /** Publishes new instructions for a running turn. Default target: the latest pending or streaming turn. */
  steer: (text: string, target?: ControlTarget) => Promise<ControlResult>;
  /** Steers sent and not yet applied or rejected, oldest first. */
  pending: SteerRequest[];
  /** The newest steer an agent applied or rejected. */
  lastAck: SteerRequest | undefined;
  /** Whether a turn is running that a steer could reach. */
  canSteer: boolean;
}

const selectSteers = (s: SessionState) => Object.values(s.steers).sort((a, b) => a.at - b.at);

function selectCanSteer(s: SessionState): boolean {
  const last = s.order[s.order.length - 1];
  if (!last) return false;
  const st = turnStatus(s, entryOf(s, last)?.turnId ?? '');
  return st === 'pending' || st === 'streaming';
}

/**
 * Steer a running agent mid-generation and see its acknowledgement.
 *
 * @example
 * const { steer, lastAck } = useSteer();
 * steer('shorter, and in French');
 */
export function useSteer(): UseSteerResponse {
  const ctrl = useSessionController('useSteer');
  const steers = useSessionSelector(ctrl, selectSteers, '', shallowArrayEqual);
  const canSteer = useSessionSelector(ctrl, selectCanSteer);
  const steer = useCallback((text: string, target?: ControlTarget) => ctrl.steer(text, target), [ctrl]);
  // Derived once per change of the steers, so `pending` keeps its identity across unrelated renders.
  const { pending, lastAck } = useMemo(() => {
    let last: SteerRequest | undefined;
    for (const x of steers) if (x.status === 'applied' || x.status === 'rejected') last = x;
    return { pending: steers.filter((x) => x.status === 'sending' || x.status === 'sent' || x.status === 'received'), lastAck: last };
  }, [steers]);
  return { steer, pending, lastAck, canSteer };
}
