import { useCallback } from 'react';
import type { DurableSessionError } from '../core/errors.js';
import type { ControlTarget } from '../core/protocol.js';
import type { ControlResult, SessionController } from '../core/session-controller.js';
import { entryOf, selectThread, turnStatus, type ConnectionInfo, type PresenceEntryView, type SessionState, type ThreadEntry } from '../core/session-state.js';
import { useSessionController } from './session-context.js';
import { shallowArrayEqual, useSessionSelector } from './use-session-selector.js';

/** Like `useChat`'s status: `submitted` until the first response exists, `streaming` while one runs. */
export type ChatStatus = 'ready' | 'submitted' | 'streaming' | 'error';

export interface UseDurableSessionResponse {
  sessionId: string;
  /** The thread, oldest first. Finished entries keep their identity across renders. */
  messages: ThreadEntry[];
  status: ChatStatus;
  /** Sends a user message. Never throws; resolves with the outcome. */
  send: (text: string) => Promise<ControlResult>;
  /** Publishes an explicit cancel. Default target: the latest pending or streaming turn. */
  cancel: (target?: ControlTarget) => Promise<ControlResult>;
  /** Steers a running turn. Default target: the latest pending or streaming turn. */
  steer: (text: string, target?: ControlTarget) => Promise<ControlResult>;
  /** The most recent error, if any. */
  error: DurableSessionError | undefined;
  connection: ConnectionInfo;
  presence: PresenceEntryView[];
  /** The underlying controller, for advanced use. */
  controller: SessionController;
}

/** The latest turn's status, as a chat status. */
export function selectChatStatus(s: SessionState): ChatStatus {
  for (let i = s.order.length - 1; i >= 0; i--) {
    const e = entryOf(s, s.order[i]);
    if (!e) continue;
    if (e.kind === 'user' && e.failed) return 'error';
    const st = turnStatus(s, e.turnId);
    if (st === 'pending') return 'submitted';
    if (st === 'streaming') return 'streaming';
    return st === 'error' ? 'error' : 'ready';
  }
  return 'ready';
}

const selectMessages = (s: SessionState): ThreadEntry[] => selectThread(s);

/**
 * The whole session in one hook, shaped like `useChat`: messages, status, send, cancel, steer.
 * Re-renders when any message changes (at most once per frame while streaming); for long threads,
 * render rows with {@link useMessageIds} + {@link useMessage} so only the streaming row re-renders.
 *
 * @example
 * const { messages, send, status, cancel } = useDurableSession();
 */
export function useDurableSession(): UseDurableSessionResponse {
  const ctrl = useSessionController('useDurableSession');
  const messages = useSessionSelector(ctrl, selectMessages, '', shallowArrayEqual);
  const status = useSessionSelector(ctrl, selectChatStatus);
  const error = useSessionSelector(ctrl, (s) => s.errors[s.errors.length - 1]);
  const connection = useSessionSelector(ctrl, (s) => s.connection);
  const presence = useSessionSelector(ctrl, (s) => s.presence);
  const send = useCallback((text: string) => ctrl.send(text), [ctrl]);
  const cancel = useCallback((target?: ControlTarget) => ctrl.cancel(target), [ctrl]);
  const steer = useCallback((text: string, target?: ControlTarget) => ctrl.steer(text, target), [ctrl]);
  return { sessionId: ctrl.sessionId, messages, status, send, cancel, steer, error, connection, presence, controller: ctrl };
}
