import { useCallback, useEffect, useState } from 'react';
import type { ControlTarget } from '../core/protocol.js';
import type { ControlResult } from '../core/session-controller.js';
import { turnStatus, type SessionState, type TurnStatus } from '../core/session-state.js';
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
  /** `stopping` from the click until the agent ends the response `cancelled`; then `stopped`, then `idle`. */
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

function targetTurn(s: SessionState, target: ControlTarget | undefined): string | undefined {
  if (target?.kind === 'turn') return target.turnId;
  if (target?.kind === 'response') {
    const key = s.responses[target.responseId];
    const e = key ? s.entries[key] : undefined;
    return e?.turnId;
  }
  for (let i = s.order.length - 1; i >= 0; i--) {
    const e = s.entries[s.order[i]];
    if (target?.kind === 'agent' && (e.kind !== 'response' || e.agentId !== target.agentId)) continue;
    return e.turnId;
  }
  return undefined;
}

function selectStopView(s: SessionState, target: ControlTarget | undefined): StopView {
  const turnId = targetTurn(s, target);
  if (!turnId) return { turnId, status: undefined, cancelRequested: false };
  const turn = s.turns[turnId];
  const responseIds = new Set((turn?.responseKeys ?? []).map((k) => (s.entries[k] as { responseId?: string }).responseId));
  let cancelRequested = false;
  for (const id in s.cancels) {
    const c = s.cancels[id];
    if (c.status === 'failed') continue;
    const t = c.target;
    if (t.kind === 'all' || (t.kind === 'turn' && t.turnId === turnId) || (t.kind === 'response' && responseIds.has(t.responseId)) || t.kind === 'agent') {
      cancelRequested = true;
      break;
    }
  }
  return { turnId, status: turnStatus(s, turnId), cancelRequested };
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
  const justStopped = view.status === 'cancelled' && view.cancelRequested && settled !== view.turnId;

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
