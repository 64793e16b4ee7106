// A ChatTransport for the AI SDK's useChat over a durable session: sending publishes the user message,
// responses stream from the session's store, stop is an explicit cancel, and reconnecting is the session's resume.
import type { ChatTransport, UIMessage, UIMessageChunk } from 'ai';
import { DurableSessionError } from '../core/errors.js';
import { createSessionController, type SessionController } from '../core/session-controller.js';
import type { SessionControllerOptions } from '../core/session-controller-options.js';
import { selectResponse, selectThread, type ResponseEntry, type SessionState } from '../core/session-state.js';
import { selectToolCall } from '../core/response-selectors.js';
import type { SessionTransport } from '../core/transport.js';
import { ResponseChunker, streamEnd } from './response-chunks.js';
import { threadToUIMessages, toUIParts, userMessageToSend } from './ui-messages.js';

export interface DurableChatTransportOptions {
  /** The session to chat in. */
  sessionId: string;
  /** How to reach it: a transport or a factory (called on first use). Not needed with `controller`. */
  transport?: SessionTransport | (() => SessionTransport);
  /** An open session controller to share (e.g. a provider's); default: the transport opens its own. */
  controller?: SessionController;
  /** Whose response a turn streams into useChat when several agents answer. Default: the first to answer. */
  agentId?: string;
  /** Options for the controller the transport opens (scheduler, presence, trustAgent, …). */
  controllerOptions?: Omit<SessionControllerOptions, 'transport' | 'sessionId'>;
}

/** What `follow` needs from `useChat`'s return value. */
export interface FollowedChat {
  setMessages: (messages: UIMessage[]) => void;
  resumeStream: () => Promise<void>;
}

/** What this chat holds of one response: the diff state, the body size and status it was at. */
interface Held {
  chunker: ResponseChunker;
  size: number;
  status: ResponseEntry['status'];
}

const newestResponse = (s: SessionState, pick: (r: ResponseEntry) => boolean): ResponseEntry | undefined => {
  const thread = selectThread(s);
  for (let i = thread.length - 1; i >= 0; i--) {
    const e = thread[i];
    if (e.kind === 'response' && pick(e)) return e;
  }
  return undefined;
};

/** `useChat`'s transport over a durable session. Create one per chat (per tab), not per render. */
export class DurableChatTransport implements ChatTransport<UIMessage> {
  readonly controller: SessionController;
  private readonly owned: boolean;
  private readonly agentId: string | undefined;
  private opened: Promise<void> | null = null;
  private readonly held = new Map<string, Held>();
  private readonly knownTurns = new Set<string>();
  private readonly userIds = new Map<string, string>();
  private open = 0;
  private resuming: string | null = null;
  private reconnects = 0;
  private readonly followers = new Set<() => void>();
  private connecting = 0;

  constructor(opts: DurableChatTransportOptions) {
    if (opts.controller) this.controller = opts.controller;
    else if (opts.transport) this.controller = createSessionController({ ...opts.controllerOptions, transport: opts.transport, sessionId: opts.sessionId });
    else throw new DurableSessionError('invalid_argument', 'createDurableChatTransport needs a transport (createAblyTransport or createMemoryTransport) or a controller.');
    this.owned = !opts.controller;
    this.agentId = opts.agentId;
  }

  /** Opens the session (once) and resolves when its history is loaded. */
  ready(): Promise<void> {
    if (!this.opened) this.opened = this.owned ? this.controller.acquire() : this.controller.start();
    return this.opened;
  }

  /** The session's thread as UIMessages, for `useChat({ messages })` after a reload. */
  async messages(): Promise<UIMessage[]> {
    await this.ready();
    this.controller.flush();
    const s = this.controller.store.getState();
    const out = threadToUIMessages(s, { userIds: this.userIds });
    this.remember(s, out);
    return out;
  }

  sendMessages: ChatTransport<UIMessage>['sendMessages'] = async ({ trigger, messageId, messages, abortSignal }) => {
    await this.ready();
    this.controller.flush();
    const s = this.controller.store.getState();
    const last = messages[messages.length - 1];
    if (trigger === 'regenerate-message') return this.regenerate(s, messageId, last, abortSignal);
    if (!last) throw new DurableSessionError('invalid_argument', 'sendMessages() got no messages; there is nothing to send.');
    if (last.role === 'assistant') return this.afterApproval(s, last, abortSignal);
    const { text, extra } = userMessageToSend(last);
    // `sendMessage({ text, messageId })` replaces a message of the chat: in the session, an edit — a
    // new branch beside the original, which stays.
    const edited = trigger === 'submit-message' && messageId !== undefined ? this.userKeyOf(s, messageId) : undefined;
    const sent = edited ? await this.controller.edit(edited, text, extra) : await this.controller.send(text, extra);
    if (!sent.ok) throw sent.error;
    this.userIds.set(sent.id, last.id);
    this.knownTurns.add(sent.id);
    return this.stream(sent.id, undefined, new Set(), abortSignal);
  };

  /** The session key of the user message useChat knows by this id, if it is one the session has. */
  private userKeyOf(s: SessionState, uiId: string): string | undefined {
    let turnId: string | undefined = Object.prototype.hasOwnProperty.call(s.turns, uiId) ? uiId : undefined;
    for (const [t, id] of this.userIds) if (id === uiId && s.turns[t]?.userKey) turnId = t;
    return turnId ? s.turns[turnId]?.userKey : undefined;
  }

  reconnectToStream: ChatTransport<UIMessage>['reconnectToStream'] = async ({ abortSignal }) => {
    this.reconnects++;
    const wanted = this.resuming;
    // Until the stream is open, tokens landing while the session gets ready must not make `follow`
    // start yet another resume (on a reload, useChat's own resume and the follower would race).
    this.connecting++;
    try {
      await this.ready();
      this.controller.flush();
      const s = this.controller.store.getState();
      const r = wanted ? selectResponse(s, wanted) : newestResponse(s, (e) => e.status === 'streaming' && this.wants(e));
      if (!r || r.status !== 'streaming') return null;
      return this.stream(r.turnId, r.responseId, new Set(), abortSignal);
    } finally {
      this.connecting--;
      if (this.resuming === wanted) this.resuming = null;
      queueMicrotask(() => this.followers.forEach((f) => f()));
    }
  };

  /**
   * Keeps an idle `useChat` in step with the session: messages other tabs send appear, answers that
   * start elsewhere stream in, and an answer that goes on after this tab's stream ended (an approval
   * decided in another tab) resumes. Returns the unsubscribe.
   *
   * @example
   * useEffect(() => transport.follow(chat), [chat.setMessages, chat.resumeStream]);
   */
  follow(chat: FollowedChat): () => void {
    let stopped = false;
    const check = () => {
      if (stopped || this.open > 0 || this.resuming || this.connecting > 0) return;
      const s = this.controller.store.getState();
      const stale = this.staleness(s);
      if (stale === 'none') return;
      if (stale === 'messages') {
        const msgs = threadToUIMessages(s, { userIds: this.userIds });
        this.remember(s, msgs);
        chat.setMessages(msgs);
        return;
      }
      const msgs = threadToUIMessages(s, { userIds: this.userIds, skip: new Set([stale.responseId]) });
      this.remember(s, msgs);
      chat.setMessages(msgs);
      this.resuming = stale.responseId;
      void chat.resumeStream().finally(() => {
        this.resuming = null;
        queueMicrotask(check);
      });
    };
    this.followers.add(check);
    const unsub = this.controller.store.subscribe(check);
    void this.ready().then(check);
    return () => {
      stopped = true;
      this.followers.delete(check);
      unsub();
    };
  }

  /** Lets the session go (if the transport opened it). Never cancels anything. */
  close(): void {
    if (this.owned && this.opened) this.controller.release();
    this.opened = null;
  }

  private wants(r: ResponseEntry): boolean {
    return this.agentId === undefined || r.agentId === this.agentId;
  }

  /** What an idle chat lacks: nothing, messages, or a response still running that it should stream. */
  private staleness(s: SessionState): 'none' | 'messages' | ResponseEntry {
    let stale: 'none' | 'messages' = 'none';
    for (const e of selectThread(s)) {
      if (e.kind === 'user') {
        if (!this.knownTurns.has(e.turnId) && !e.pending) stale = 'messages';
        continue;
      }
      if (!this.wants(e)) continue;
      const h = this.held.get(e.responseId);
      if (e.status === 'streaming') {
        if (!h || e.size > h.size) return e;
      } else if (!h || h.size !== e.size || h.status !== e.status) stale = 'messages';
    }
    return stale;
  }

  private remember(s: SessionState, msgs: UIMessage[]): void {
    for (const e of selectThread(s)) if (e.kind === 'user') this.knownTurns.add(e.turnId);
    for (const m of msgs) {
      const r = m.role === 'assistant' ? selectResponse(s, m.id) : undefined;
      if (r) this.held.set(r.responseId, { chunker: ResponseChunker.holding(r.responseId, toUIParts(r.parts)), size: r.size, status: r.status });
    }
  }

  private async afterApproval(s: SessionState, last: UIMessage, signal: AbortSignal | undefined): Promise<ReadableStream<UIMessageChunk>> {
    const r = selectResponse(s, last.id);
    if (!r) throw new DurableSessionError('unknown_target', `Message ${last.id} is not a response in session ${s.sessionId}; the transport can only continue the session's own responses.`);
    for (const p of last.parts) {
      const t = p as { state?: string; toolCallId?: string; approval?: { approved?: boolean; reason?: string } };
      if (t.state !== 'approval-responded' || !t.toolCallId || selectToolCall(s, t.toolCallId)?.part.state !== 'awaiting-approval') continue;
      const opts = t.approval?.reason !== undefined ? { reason: t.approval.reason } : {};
      const done = t.approval?.approved ? await this.controller.approve(t.toolCallId, opts) : await this.controller.deny(t.toolCallId, opts);
      if (!done.ok) throw done.error;
    }
    const held = this.held.get(r.responseId)?.chunker ?? ResponseChunker.holding(r.responseId, last.parts);
    return this.stream(r.turnId, r.responseId, new Set(), signal, held);
  }

  private async regenerate(s: SessionState, messageId: string | undefined, last: UIMessage | undefined, signal: AbortSignal | undefined): Promise<ReadableStream<UIMessageChunk>> {
    const userTurn = last?.role === 'user' ? [...this.userIds].find(([, ui]) => ui === last.id)?.[0] ?? last.id : undefined;
    const old = messageId ? selectResponse(s, messageId) : newestResponse(s, (e) => e.turnId === userTurn && this.wants(e));
    if (!old) throw new DurableSessionError('unknown_target', `No response to regenerate${messageId ? ` with id ${messageId}` : ''} in session ${s.sessionId}.`);
    const before = new Set(s.turns[old.turnId]?.responseKeys ?? []);
    const done = await this.controller.regenerate(old.responseId);
    if (!done.ok) throw done.error;
    return this.stream(old.turnId, undefined, before, signal);
  }

  /** The chunk stream of a turn's response (`responseId`, or the first new one that this chat wants). */
  private stream(turnId: string, responseId: string | undefined, skipKeys: Set<string>, signal: AbortSignal | undefined, from?: ResponseChunker): ReadableStream<UIMessageChunk> {
    const store = this.controller.store;
    let unsub = () => {};
    let finished = false;
    let chunker = from;
    this.open++;
    const done = () => {
      if (finished) return;
      finished = true;
      unsub();
      signal?.removeEventListener('abort', onAbort);
      this.open--;
      queueMicrotask(() => this.followers.forEach((f) => f()));
    };
    let close = () => {};
    const onAbort = () => {
      const reconnectsAtAbort = this.reconnects;
      done();
      close();
      // useChat aborts a resume it replaces with a new one (and reconnects at once); only a stop is the user's cancel.
      queueMicrotask(() => {
        if (this.reconnects === reconnectsAtAbort) void this.controller.cancel({ kind: 'turn', turnId });
      });
    };
    return new ReadableStream<UIMessageChunk>({
      start: (ctl) => {
        close = () => {
          try {
            ctl.close();
          } catch {
            // Already closed by the reader going away.
          }
        };
        if (signal?.aborted) {
          onAbort();
          return;
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        const pump = (s: SessionState) => {
          if (finished) return;
          const user = s.turns[turnId]?.userKey;
          const u = user ? s.entries[user] : undefined;
          if (u?.kind === 'user' && u.failed) {
            done();
            ctl.error(u.failed);
            return;
          }
          const r = responseId ? selectResponse(s, responseId) : this.pick(s, turnId, skipKeys);
          if (!r) return;
          responseId = r.responseId;
          chunker ??= new ResponseChunker(r.responseId);
          const chunks = chunker.update(r);
          const end = streamEnd(r);
          if (end) chunks.push(...chunker.end(end, r.error));
          this.held.set(r.responseId, { chunker, size: r.size, status: r.status });
          for (const c of chunks) ctl.enqueue(c);
          if (end) {
            done();
            ctl.close();
          }
        };
        unsub = store.subscribe(pump);
        pump(store.getState());
      },
      cancel: () => done(),
    });
  }

  private pick(s: SessionState, turnId: string, skipKeys: Set<string>): ResponseEntry | undefined {
    for (const k of s.turns[turnId]?.responseKeys ?? []) {
      const e = skipKeys.has(k) ? undefined : (s.live[k] ?? s.entries[k]);
      if (e?.kind === 'response' && this.wants(e)) return e;
    }
    return undefined;
  }
}

/**
 * A `ChatTransport` for `useChat` (from `@ai-sdk/react`) over a durable session.
 *
 * @example
 * const transport = createDurableChatTransport({ sessionId, transport: () => createAblyTransport({ options: { authUrl: '/api/token' } }) });
 * const initial = await transport.messages(); // the thread so far — after a reload too
 * const chat = useChat({ id: sessionId, transport, messages: initial, resume: true,
 *   sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses });
 */
export function createDurableChatTransport(opts: DurableChatTransportOptions): DurableChatTransport {
  return new DurableChatTransport(opts);
}
