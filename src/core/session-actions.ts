/**
 * What a session controller publishes — user messages, cancels, steers, approval decisions, retries —
 * each checked against the store first, so a refused call publishes nothing and says why.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { ActionQueue } from './action-queue.js';
import { build } from './build-event.js';
import { checkDecision, checkInputText, checkRetry, checkSendExtras, resolveControlTarget } from './control-target.js';
import { DurableSessionError, toSessionError } from './errors.js';
import { randomId } from './ids.js';
import type { Listeners } from './listeners.js';
import type { ControlTarget, OutgoingMessage } from './protocol.js';
import type { ControlResult, SendOptions, SessionControllerOptions } from './session-controller-options.js';
import { entryOf, type SessionState } from './session-state.js';
import { parentOfTurn, selectTip } from './thread-tree.js';
import type { TransportChannel } from './transport.js';

export type ControllerOptionsState = Required<Pick<SessionControllerOptions, 'maxHistory' | 'maxInputChars' | 'now' | 'agentGoneMs' | 'historyPageSize' | 'allowEditingOthers'>> &
  Pick<SessionControllerOptions, 'trustAgent'>;

export abstract class SessionActions {
  abstract readonly store: StoreApi<SessionState>;
  abstract readonly clientId: string;
  protected abstract readonly queue: ActionQueue;
  protected abstract options: ControllerOptionsState;
  protected abstract readonly errorListeners: Listeners<[DurableSessionError]>;
  protected abstract get channel(): TransportChannel;
  protected abstract report(error: DurableSessionError): void;

  /**
   * Sends a user message, with files attached by URL and app metadata if given. Resolves once the
   * channel accepted it, or with the error (never rejects).
   */
  send(text: string, extra: SendOptions = {}): Promise<ControlResult> {
    this.queue.flush();
    const s = this.store.getState();
    // The message follows the path this tab shows. Before the thread is loaded it names no parent,
    // so it follows whatever turn came last, as every client reads it.
    const tip = s.connection.hydrated ? (selectTip(s) ?? null) : undefined;
    return this.publishMessage(text, extra, tip === undefined ? {} : { parent: tip });
  }

  /**
   * Edits a user message: sends `text` as a new message beside it, in a new branch that agents
   * answer. The original and its answers stay, one branch away. Only the author's own messages by
   * default (`allowEditingOthers`). Resolves with the new turn's id, or the error (never rejects).
   */
  edit(key: string, text: string, extra: SendOptions = {}): Promise<ControlResult> {
    this.queue.flush();
    const s = this.store.getState();
    const e = entryOf(s, key);
    if (e?.kind !== 'user') return Promise.resolve(this.refuse(new DurableSessionError('unknown_target', `edit(): this session has no user message ${JSON.stringify(key)}. Pass the key of a user message from useThread().ids.`)));
    if (e.pending || e.failed) return Promise.resolve(this.refuse(new DurableSessionError('invalid_state', 'edit(): this message has not reached the session yet; wait for it to be sent (or send it again) before editing it.')));
    if (!this.options.allowEditingOthers && e.clientId !== this.clientId) {
      return Promise.resolve(this.refuse(new DurableSessionError('unauthorized', `edit(): message ${key} was sent by ${e.clientId ?? 'another participant'}; only its author may edit it (set allowEditingOthers to allow).`)));
    }
    const parent = parentOfTurn(s, e.turnId);
    return this.publishMessage(text, extra, { parent: parent ?? null, edits: e.turnId });
  }

  private async publishMessage(text: string, extra: SendOptions, place: { parent?: string | null; edits?: string }): Promise<ControlResult> {
    const what = place.edits === undefined ? 'send()' : 'edit()';
    const bad = checkInputText(text, this.options.maxInputChars, what, 'message') ?? checkSendExtras(extra);
    if (bad) return this.refuse(bad);
    const turnId = randomId('turn-');
    this.queue.dispatchNow({ type: 'local/send', turnId, text, clientId: this.clientId, at: this.options.now(), ...extra, ...place });
    try {
      await this.channel.publish(build.userMessage(turnId, text, { ...extra, ...place }));
      return { ok: true, id: turnId };
    } catch (e) {
      const error = toSessionError(e, 'Sending the message failed');
      this.queue.dispatchNow({ type: 'local/send-failed', turnId, error });
      this.errorListeners.emitSafely(error);
      return { ok: false, error };
    }
  }

  /** Approves a tool call that waits for a person; the agent's acknowledgement settles it in every tab. */
  approve(toolCallId: string, opts: { reason?: string } = {}): Promise<ControlResult> {
    return this.decide(toolCallId, true, opts.reason);
  }

  /** Denies a tool call that waits for a person; the agent gets the denial (and reason) as the tool's result. */
  deny(toolCallId: string, opts: { reason?: string } = {}): Promise<ControlResult> {
    return this.decide(toolCallId, false, opts.reason);
  }

  /**
   * Asks the response's agent for a new response to the same turn: `retry` for one that ended
   * interrupted, in error or cancelled; `regenerate` for any finished one. The earlier response stays
   * in the thread as an earlier version.
   */
  retry(responseId: string): Promise<ControlResult> {
    return this.again(responseId, 'retry');
  }

  /** Asks for another answer to a finished response's turn; see {@link retry}. */
  regenerate(responseId: string): Promise<ControlResult> {
    return this.again(responseId, 'regenerate');
  }

  private async again(responseId: string, mode: 'retry' | 'regenerate'): Promise<ControlResult> {
    this.queue.flush();
    const r = checkRetry(this.store.getState(), responseId, mode);
    if (r instanceof DurableSessionError) return this.refuse(r);
    const p = { retryId: randomId('retry-'), turnId: r.turnId, agentId: r.agentId, responseId, mode };
    this.queue.dispatchNow({ type: 'local/retry', ...p, at: this.options.now() });
    return this.publishControl(p.retryId, build.retry(p), mode === 'retry' ? 'Retry' : 'Regenerate');
  }

  private async decide(toolCallId: string, approved: boolean, reason: string | undefined): Promise<ControlResult> {
    this.queue.flush();
    const found = checkDecision(this.store.getState(), toolCallId, reason);
    if (found instanceof DurableSessionError) return this.refuse(found);
    const decisionId = randomId('approval-');
    const p = { decisionId, responseId: found.responseId, toolCallId, approved, ...(reason !== undefined ? { reason } : {}) };
    this.queue.dispatchNow({ type: 'local/approval', ...p, clientId: this.clientId, at: this.options.now() });
    return this.publishControl(decisionId, build.approval(p), approved ? 'Approval' : 'Denial');
  }

  /**
   * Publishes an explicit cancel. Without a target, cancels the latest turn that is still pending or
   * streaming — so a stop pressed before the first token still lands.
   */
  async cancel(target?: ControlTarget): Promise<ControlResult> {
    if (!target) this.queue.flush();
    const resolved = resolveControlTarget(this.store.getState(), target, 'cancel');
    if (resolved instanceof DurableSessionError) return this.refuse(resolved);
    const controlId = randomId('cancel-');
    this.queue.dispatchNow({ type: 'local/cancel', controlId, target: resolved, at: this.options.now() });
    return this.publishControl(controlId, build.cancel(controlId, resolved), 'Cancel');
  }

  /** Publishes a steer for a running turn. Without a target, steers the latest active turn. */
  async steer(text: string, target?: ControlTarget): Promise<ControlResult> {
    const bad = checkInputText(text, this.options.maxInputChars, 'steer()', 'steer');
    if (bad) return this.refuse(bad);
    if (!target) this.queue.flush();
    const resolved = resolveControlTarget(this.store.getState(), target, 'steer');
    if (resolved instanceof DurableSessionError) return this.refuse(resolved);
    const steerId = randomId('steer-');
    this.queue.dispatchNow({ type: 'local/steer', steerId, text, target: resolved, at: this.options.now() });
    return this.publishControl(steerId, build.steer(steerId, text, resolved), 'Steer');
  }

  private refuse(error: DurableSessionError): ControlResult {
    this.report(error);
    return { ok: false, error };
  }

  private async publishControl(id: string, msg: OutgoingMessage, what: string): Promise<ControlResult> {
    try {
      await this.channel.publish(msg);
      this.queue.dispatchNow({ type: 'local/control-sent', id });
      return { ok: true, id };
    } catch (e) {
      const error = toSessionError(e, `${what} failed`);
      this.queue.dispatchNow({ type: 'local/control-failed', id, error });
      this.errorListeners.emitSafely(error);
      return { ok: false, error };
    }
  }
}
