/**
 * `useStopButton`: state and action of a stop button, which publishes an explicit cancel and shows
 * `idle → stopping → stopped` until the agent acknowledged it.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ControlTarget } from '../core/protocol.js';
import type { ControlResult } from '../core/session-controller.js';
import { cancelCovers, responsesInScope, targetedTurn } from '../core/control-target.js';
import { turnStatus, type ResponseEntry, type SessionState, type TurnStatus } from '../core/session-state.js';
import { useSessionController } from './session-context.js';
import { shallowObjectEqual, useSessionSelector } from './use-session-selector.js';

export type StopState = 'idle' | 'stopping' | 'stopped';

export interface UseStopButtonParams {
  /** What to stop. Default: the latest turn — pending or streaming — so stop works before the first token. */
  target?: ControlTarget;
  /** How long `stopped` shows after the agent acknowledged, in ms, before returning to `idle`. Default 1500. */
  stoppedMs?: number;
}

export interface UseStopButtonResponse {
  /**
   * `stopping` from the click until the agent ends the response `cancelled` (or it shows `interrupted`
   * because the agent is gone); then `stopped`, then `idle`.
   */
  state: StopState;
  /** Whether there is something to stop and no stop is already on its way. */
  canStop: boolean;
  /** Publishes an explicit cancel. Resolves undefined when there was nothing to stop. */
  stop: () => Promise<ControlResult | undefined>;
  /** The turn the button acts on. */
  turnId: string | undefined;
}

interface StopView {
  turnId: string | undefined;
  status: TurnStatus | undefined;
  cancelRequested: boolean;
}

function scopeStatus(s: SessionState, turnId: string, target: ControlTarget | undefined, scope: ResponseEntry[]): TurnStatus | undefined {
  if (target?.kind !== 'response' && target?.kind !== 'agent') return turnStatus(s, turnId);
  if (scope.length === 0) return undefined;
  if (scope.some((r) => r.status === 'streaming')) return 'streaming';
  for (const st of ['cancelled', 'interrupted', 'error'] as const) if (scope.some((r) => r.status === st)) return st;
  return 'complete';
}

function selectStopView(s: SessionState, target: ControlTarget | undefined): StopView {
  const turnId = targetedTurn(s, target);
  if (!turnId) return { turnId, status: undefined, cancelRequested: false };
  const scope = responsesInScope(s, turnId, target);
  let cancelRequested = false;
  for (const id in s.cancels) {
    if (cancelCovers(s.cancels[id], turnId, scope)) {
      cancelRequested = true;
      break;
    }
  }
  return { turnId, status: scopeStatus(s, turnId, target, scope), cancelRequested };
}

/**
 * State and action for a stop button. Stop publishes an explicit cancel: unmounting, closing the
 * tab or losing the connection never stops anything.
 *
 * @example
 * const { state, canStop, stop } = useStopButton();
 * <button onClick={stop} disabled={!canStop} data-state={state}>Stop</button>
 */
export function useStopButton(params: UseStopButtonParams = {}): UseStopButtonResponse {
  const ctrl = useSessionController('useStopButton');
  const { target, stoppedMs = 1500 } = params;
  const key = target ? JSON.stringify(target) : '';
  const view = useSessionSelector(ctrl, (s) => selectStopView(s, target), key, shallowObjectEqual);
  const [settled, setSettled] = useState<string | undefined>(undefined);
  const active = view.status === 'pending' || view.status === 'streaming';
  const stopping = active && view.cancelRequested;
  // An agent that died before acknowledging never will: its response ending `interrupted` ends the stop too.
  const justStopped = (view.status === 'cancelled' || view.status === 'interrupted') && view.cancelRequested && settled !== view.turnId;

  useEffect(() => {
    if (!justStopped) return;
    const t = setTimeout(() => setSettled(view.turnId), stoppedMs);
    return () => clearTimeout(t);
  }, [justStopped, view.turnId, stoppedMs]);

  const stop = useCallback(async () => {
    if (!view.turnId || !active || stopping) return undefined;
    return ctrl.cancel(target ?? { kind: 'turn', turnId: view.turnId });
  }, [ctrl, target, view.turnId, active, stopping]);

  return { state: stopping ? 'stopping' : justStopped ? 'stopped' : 'idle', canStop: active && !stopping, stop, turnId: view.turnId };
}
