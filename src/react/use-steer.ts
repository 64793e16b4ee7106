/**
 * `useSteer`: steer a running agent mid-generation and follow each steer until an agent applied or
 * rejected it.
 */
import { useCallback, useMemo } from 'react';
import { targetedTurn } from '../core/control-target.js';
import type { ControlTarget } from '../core/protocol.js';
import type { ControlResult } from '../core/session-controller.js';
import { turnStatus, type SessionState, type SteerRequest } from '../core/session-state.js';
import { useSessionController } from './session-context.js';
import { useLatestRef } from './use-latest-ref.js';
import { shallowArrayEqual, useSessionSelector } from './use-session-selector.js';

export interface UseSteerParams {
  /**
   * What `steer(text)` steers when it is given no target, and what `canSteer` looks at. Default: the
   * latest pending or streaming turn.
   */
  target?: ControlTarget;
}

export interface UseSteerResponse {
  /** Publishes new instructions for a running turn. Default target: the hook's `target`. */
  steer: (text: string, target?: ControlTarget) => Promise<ControlResult>;
  /** Steers sent and not yet applied or rejected, oldest first. */
  pending: SteerRequest[];
  /** The newest steer an agent applied or rejected. */
  lastAck: SteerRequest | undefined;
  /** Whether the targeted turn is still running, so a steer could reach it. */
  canSteer: boolean;
}

const selectSteers = (s: SessionState) => Object.values(s.steers).sort((a, b) => a.at - b.at);

function selectCanSteer(s: SessionState, target: ControlTarget | undefined): boolean {
  const turnId = targetedTurn(s, target);
  const st = turnId === undefined ? undefined : turnStatus(s, turnId);
  return st === 'pending' || st === 'streaming';
}

/**
 * Steer a running agent mid-generation and see its acknowledgement.
 *
 * @example
 * const { steer, lastAck, canSteer } = useSteer();
 * <button disabled={!canSteer} onClick={() => void steer('shorter, and in French')}>Shorter, in French</button>
 */
export function useSteer(params: UseSteerParams = {}): UseSteerResponse {
  const ctrl = useSessionController('useSteer');
  const { target } = params;
  const steers = useSessionSelector(ctrl, selectSteers, '', shallowArrayEqual);
  const canSteer = useSessionSelector(ctrl, (s) => selectCanSteer(s, target), target ? JSON.stringify(target) : '');
  // An inline target object is new each render; `steer` keeps its identity and reads the newest.
  const defaultTarget = useLatestRef(target);
  const steer = useCallback((text: string, to?: ControlTarget) => ctrl.steer(text, to ?? defaultTarget.current), [ctrl, defaultTarget]);
  // Derived once per change of the steers, so `pending` keeps its identity across unrelated renders.
  const { pending, lastAck } = useMemo(() => {
    let last: SteerRequest | undefined;
    for (const x of steers) if (x.status === 'applied' || x.status === 'rejected') last = x;
    return { pending: steers.filter((x) => x.status === 'sending' || x.status === 'sent' || x.status === 'received'), lastAck: last };
  }, [steers]);
  return { steer, pending, lastAck, canSteer };
}
