/**
 * `useDurableSession`: the whole session in one hook, shaped like `useChat` — messages, status, send,
 * cancel, steer, the newest error — with stable `onError` / `onFinish` callbacks.
 */
import { useCallback, useEffect } from 'react';
import type { DurableSessionError } from '../core/errors.js';
import type { ControlTarget } from '../core/protocol.js';
import type { ControlResult, SendOptions, SessionController } from '../core/session-controller.js';
import { entryOf, turnStatus, type ConnectionInfo, type PresenceEntryView, type ResponseEntry, type SessionState, type ThreadEntry } from '../core/session-state.js';
import { selectPathEntries } from '../core/thread-tree.js';
import { onResponseFinish } from './on-response-finish.js';
import { useSessionController } from './session-context.js';
import { useLatestRef } from './use-latest-ref.js';
import { shallowArrayEqual, useSessionSelector } from './use-session-selector.js';

/** Like `useChat`'s status: `submitted` until the first response exists, `streaming` while one runs. */
export type ChatStatus = 'ready' | 'submitted' | 'streaming' | 'error';

export interface UseDurableSessionParams {
  /**
   * Called with every error the session reports: refused sends, failed publishes, malformed or
   * untrusted events, transport failures. Safe to pass an inline arrow: the newest one is called and
   * nothing resubscribes. Default: none.
   */
  onError?: (error: DurableSessionError) => void;
  /**
   * Called once when an agent ends a response (`complete`, `cancelled`, `error`, `interrupted`), with the
   * finished entry — also for one that finished while the connection was away, when the backfill
   * brings it. Not called for responses already finished when the session opened. Default: none.
   */
  onFinish?: (response: ResponseEntry) => void;
}

export interface UseDurableSessionResponse {
  sessionId: string;
  /**
   * The thread as this tab shows it (the chosen path through edits and regenerations), oldest first.
   * Finished entries keep their identity across renders.
   */
  messages: ThreadEntry[];
  status: ChatStatus;
  /**
   * Sends a user message, with files attached by URL (`attachments`) and app data for the agent
   * (`metadata`) if given. Never throws; resolves with the outcome.
   */
  send: (text: string, options?: SendOptions) => Promise<ControlResult>;
  /** Publishes an explicit cancel. Default target: the latest pending or streaming turn. */
  cancel: (target?: ControlTarget) => Promise<ControlResult>;
  /** Steers a running turn. Default target: the latest pending or streaming turn. */
  steer: (text: string, target?: ControlTarget) => Promise<ControlResult>;
  /**
   * Asks the response's agent to answer its turn again, for a response that ended `interrupted`,
   * `error` or `cancelled`. The old response stays as an earlier version. Never throws.
   */
  retry: (responseId: string) => Promise<ControlResult>;
  /** Asks for another answer to a finished (`complete`) response's turn, as a new version. Never throws. */
  regenerate: (responseId: string) => Promise<ControlResult>;
  /**
   * Edits a user message (by key): the new text goes out as a new branch beside it, which agents
   * answer; the original stays one branch away. Never throws; resolves with the outcome.
   */
  edit: (key: string, text: string, options?: SendOptions) => Promise<ControlResult>;
  /** The newest error the session kept, until {@link clearError}. */
  error: DurableSessionError | undefined;
  /** Forgets the kept errors, so `error` is undefined again (e.g. when the user dismisses it). */
  clearError: () => void;
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

/**
 * The whole session in one hook, shaped like `useChat`: messages, status, send, cancel, steer, retry.
 * Re-renders when any message changes (at most once per frame while streaming); for long threads,
 * render rows with {@link useMessageIds} + {@link useMessage} so only the streaming row re-renders.
 *
 * @example
 * const { messages, send, status, cancel, error, clearError } = useDurableSession({
 *   onError: (e) => console.warn(e.code, e.message),
 *   onFinish: (response) => console.info(`${response.agentId} ended ${response.status}`),
 * });
 */
export function useDurableSession(params: UseDurableSessionParams = {}): UseDurableSessionResponse {
  const ctrl = useSessionController('useDurableSession');
  const messages = useSessionSelector(ctrl, selectPathEntries, '', shallowArrayEqual);
  const status = useSessionSelector(ctrl, selectChatStatus);
  const error = useSessionSelector(ctrl, (s) => s.errors[s.errors.length - 1]);
  const connection = useSessionSelector(ctrl, (s) => s.connection);
  const presence = useSessionSelector(ctrl, (s) => s.presence);

  const onError = useLatestRef(params.onError);
  const onFinish = useLatestRef(params.onFinish);
  const wantsErrors = params.onError !== undefined;
  const wantsFinish = params.onFinish !== undefined;
  // The state this render showed: a response that finishes before the effect subscribes is still news.
  const rendered = useLatestRef(ctrl.store.getState());
  useEffect(() => (wantsErrors ? ctrl.onError((e) => onError.current?.(e)) : undefined), [ctrl, wantsErrors, onError]);
  useEffect(
    () => (wantsFinish ? onResponseFinish(ctrl.store, (r) => onFinish.current?.(r), rendered.current) : undefined),
    [ctrl, wantsFinish, onFinish, rendered],
  );

  const send = useCallback((text: string, options?: SendOptions) => ctrl.send(text, options), [ctrl]);
  const cancel = useCallback((target?: ControlTarget) => ctrl.cancel(target), [ctrl]);
  const steer = useCallback((text: string, target?: ControlTarget) => ctrl.steer(text, target), [ctrl]);
  const retry = useCallback((responseId: string) => ctrl.retry(responseId), [ctrl]);
  const regenerate = useCallback((responseId: string) => ctrl.regenerate(responseId), [ctrl]);
  const edit = useCallback((key: string, text: string, options?: SendOptions) => ctrl.edit(key, text, options), [ctrl]);
  const clearError = useCallback(() => ctrl.clearErrors(), [ctrl]);
  return { sessionId: ctrl.sessionId, messages, status, send, cancel, steer, retry, regenerate, edit, error, clearError, connection, presence, controller: ctrl };
}
