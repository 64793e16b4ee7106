import { createStore, type StoreApi } from 'zustand/vanilla';
import { DurableSessionError, toSessionError } from './errors.js';
import { animationFrameScheduler, type FrameScheduler } from './frame-scheduler.js';
import { randomId } from './ids.js';
import { build, Limits, parseEvent, parsePresenceData, type ControlTarget, type PresenceData, type WireMessage } from './protocol.js';
import { reduceSession, type SessionAction } from './reduce-session.js';
import { initialSessionState, turnStatus, type ResponseEntry, type SessionState } from './session-state.js';
import type { SessionTransport, TransportChannel, Unsubscribe } from './transport.js';

export interface SessionControllerOptions {
  /**
   * The connection to publish and subscribe through, or a factory called on first `start()` (so
   * rendering on a server opens nothing). A transport made by a factory is closed on `stop()`.
   */
  transport: SessionTransport | (() => SessionTransport);
  /** The session (channel) name. */
  sessionId: string;
  /** Presence data for this tab. Default `{ kind: 'user' }` with a random `tabId`. */
  presence?: Partial<PresenceData>;
  /** Whether to enter presence. Default true. */
  enterPresence?: boolean;
  /**
   * When to apply incoming events to the store. Default: once per animation frame in a browser, so a
   * burst of tokens costs one render.
   */
  scheduler?: FrameScheduler;
  /** Most messages loaded from history when hydrating or backfilling. Default 2000. */
  maxHistory?: number;
  /** Longest text `send` and `steer` accept. Default {@link Limits.maxInputChars}. */
  maxInputChars?: number;
  /** Clock for timestamps. Default `Date.now`. */
  now?: () => number;
  /**
   * Which publishers may speak for an agent (responses, steer acknowledgements, agent status), by
   * their authenticated clientId. With token auth the service vouches for clientIds, so e.g.
   * `(id) => id.startsWith('agent-')` stops a browser from forging an answer where the service
   * does not restrict event names (the local server does). Default: every publisher.
   */
  trustAgent?: (clientId: string | undefined) => boolean;
}

export type ControlResult = { ok: true; id: string } | { ok: false; error: DurableSessionError };

/**
 * The client side of a session: owns one store, subscribes to the channel through the transport,
 * hydrates and backfills from history, and publishes user messages, cancels and steers.
 * Vanilla — the React provider is a thin binding over it.
 */
export class SessionController {
  readonly store: StoreApi<SessionState>;
  readonly sessionId: string;
  readonly tabId: string;
  private readonly transportArg: SessionTransport | (() => SessionTransport);
  private resolved: { transport: SessionTransport; channel: TransportChannel; owned: boolean } | null = null;
  private readonly scheduler: FrameScheduler;
  private readonly maxHistory: number;
  private readonly maxInputChars: number;
  private readonly now: () => number;
  private presenceData: PresenceData;
  private presenceEntered = false;
  private readonly enterPresence: boolean;
  private readonly trustAgent: ((clientId: string | undefined) => boolean) | undefined;
  private queue: SessionAction[] = [];
  private cancelFrame: (() => void) | null = null;
  private subs: Unsubscribe[] = [];
  private refs = 0;
  private started: Promise<void> | null = null;
  private stopTimer: ReturnType<typeof setTimeout> | null = null;
  private backfilling: Promise<void> | null = null;
  private backfillAgain = false;
  private closed = false;
  private readonly errorListeners = new Set<(e: DurableSessionError) => void>();

  constructor(opts: SessionControllerOptions) {
    if (!opts.sessionId) throw new DurableSessionError('invalid_argument', 'SessionController needs a non-empty sessionId.');
    if (!opts.transport) throw new DurableSessionError('invalid_argument', 'SessionController needs a transport (createAblyTransport or createMemoryTransport).');
    this.transportArg = opts.transport;
    this.sessionId = opts.sessionId;
    this.scheduler = opts.scheduler ?? animationFrameScheduler;
    this.maxHistory = opts.maxHistory ?? 2000;
    this.maxInputChars = opts.maxInputChars ?? Limits.maxInputChars;
    this.now = opts.now ?? Date.now;
    this.tabId = opts.presence?.tabId ?? randomId('tab-');
    this.presenceData = { kind: 'user', ...opts.presence, tabId: this.tabId };
    this.enterPresence = opts.enterPresence ?? true;
    this.trustAgent = opts.trustAgent;
    this.store = createStore<SessionState>()(() => initialSessionState(opts.sessionId));
  }

  private get transport(): SessionTransport {
    return this.connect().transport;
  }

  private get channel(): TransportChannel {
    return this.connect().channel;
  }

  private connect() {
    if (!this.resolved) {
      const owned = typeof this.transportArg === 'function';
      const transport = typeof this.transportArg === 'function' ? this.transportArg() : this.transportArg;
      this.resolved = { transport, channel: transport.channel(this.sessionId), owned };
    }
    return this.resolved;
  }

  /** True once {@link stop} has run: a stopped controller cannot start again. */
  get stopped(): boolean {
    return this.closed;
  }

  /**
   * This client's id if it is known without opening anything: undefined while a transport factory
   * has not run yet (it runs on the first `start()`), so rendering can read it safely — on a server too.
   */
  get knownClientId(): string | undefined {
    if (this.resolved) return this.resolved.transport.clientId;
    return typeof this.transportArg === 'function' ? undefined : this.transportArg.clientId;
  }

  /** This client's id (resolves the transport if it was given as a factory). */
  get clientId(): string {
    return this.transport.clientId;
  }

  /**
   * Takes a reference: the first one attaches, hydrates and enters presence. Paired with
   * {@link release}; a release followed by an acquire in the same tick (React StrictMode's double
   * mount) keeps the one subscription.
   */
  acquire(): Promise<void> {
    this.refs++;
    if (this.stopTimer) {
      clearTimeout(this.stopTimer);
      this.stopTimer = null;
    }
    return this.start();
  }

  /** Drops a reference; the last one detaches and leaves presence (after a tick). Never cancels anything. */
  release(): void {
    this.refs = Math.max(0, this.refs - 1);
    if (this.refs > 0 || this.stopTimer) return;
    this.stopTimer = setTimeout(() => {
      this.stopTimer = null;
      if (this.refs === 0) void this.stop();
    }, 0);
  }

  /** Attaches, hydrates from history and enters presence. Idempotent. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new DurableSessionError('invalid_state', 'This session controller was stopped; create a new one.'));
    if (!this.started) this.started = this.run();
    return this.started;
  }

  private async run(): Promise<void> {
    const ch = this.channel;
    this.dispatch({ type: 'connection', change: { status: this.transport.status === 'connected' ? 'connecting' : this.transport.status }, at: this.now() });
    this.subs.push(
      this.transport.onStatus((change) => {
        this.dispatchNow({ type: 'connection', change, at: this.now() });
      }),
      ch.subscribe((m) => this.onMessage(m)),
      ch.onDiscontinuity(() => void this.backfill(false)),
      ch.presence.subscribe((members) => {
        this.dispatch({
          type: 'presence',
          members: members.map((m) => ({ clientId: m.clientId, connectionId: m.connectionId, data: parsePresenceData(m.data) })),
        });
      }),
    );
    try {
      await ch.attach();
      if (this.closed) return;
      this.dispatchNow({ type: 'connection', change: { status: this.transport.status === 'resuming' ? 'resuming' : 'connected' }, at: this.now() });
      await this.backfill(true);
      if (this.enterPresence && !this.closed) {
        const entered = this.presenceData;
        await ch.presence.enter(entered);
        this.presenceEntered = true;
        // Changed while the enter was on its way.
        if (this.presenceData !== entered && !this.closed) await ch.presence.update(this.presenceData);
      }
      if (!this.closed) {
        const members = await ch.presence.get();
        this.dispatch({ type: 'presence', members: members.map((m) => ({ clientId: m.clientId, connectionId: m.connectionId, data: parsePresenceData(m.data) })) });
      }
    } catch (e) {
      this.report(toSessionError(e, `Could not open session ${this.sessionId}`));
    }
  }

  /**
   * Changes this tab's device label or display name in presence (an `undefined` value removes it).
   * Before presence is entered the new data is simply what gets entered; the tab id never changes.
   */
  async updatePresence(change: { device?: string | undefined; name?: string | undefined }): Promise<void> {
    const next: PresenceData = { ...this.presenceData };
    for (const k of ['device', 'name'] as const) {
      if (!(k in change)) continue;
      const v = change[k];
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    if (next.device === this.presenceData.device && next.name === this.presenceData.name) return;
    this.presenceData = next;
    if (!this.presenceEntered || this.closed) return;
    try {
      await this.channel.presence.update(next);
    } catch (e) {
      this.report(toSessionError(e, 'Updating presence failed'));
    }
  }

  /** Detaches and leaves presence. Never publishes a cancel: leaving is not stopping. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    for (const u of this.subs) u();
    this.subs = [];
    this.cancelFrame?.();
    this.cancelFrame = null;
    if (!this.resolved) return;
    try {
      if (this.enterPresence) await this.channel.presence.leave();
      await this.channel.detach();
      if (this.resolved?.owned) await this.resolved.transport.close();
    } catch {
      // The connection may already be gone; there is nothing left to clean up on our side.
    }
  }

  /** Sends a user message. Resolves once the channel accepted it, or with the error (never rejects). */
  async send(text: string): Promise<ControlResult> {
    if (typeof text !== 'string' || text.trim().length === 0) {
      return this.refuse(new DurableSessionError('invalid_argument', 'send() needs non-empty text.'));
    }
    if (text.length > this.maxInputChars) {
      return this.refuse(new DurableSessionError('oversize', `The message is ${text.length} characters; the limit is ${this.maxInputChars}. Shorten it or raise maxInputChars.`));
    }
    const turnId = randomId('turn-');
    this.dispatchNow({ type: 'local/send', turnId, text, clientId: this.clientId, at: this.now() });
    try {
      await this.channel.publish(build.userMessage(turnId, text));
      return { ok: true, id: turnId };
    } catch (e) {
      const error = toSessionError(e, 'Sending the message failed');
      this.dispatchNow({ type: 'local/send-failed', turnId, error });
      this.emitError(error);
      return { ok: false, error };
    }
  }

  /**
   * Publishes an explicit cancel. Without a target, cancels the latest turn that is still pending or
   * streaming — so a stop pressed before the first token still lands.
   */
  async cancel(target?: ControlTarget): Promise<ControlResult> {
    const resolved = target ?? this.latestActiveTarget();
    if (!resolved) return this.refuse(new DurableSessionError('invalid_state', 'Nothing to cancel: no turn is pending or streaming.'));
    const unknown = this.checkTarget(resolved);
    if (unknown) return this.refuse(unknown);
    const controlId = randomId('cancel-');
    this.dispatchNow({ type: 'local/cancel', controlId, target: resolved, at: this.now() });
    return this.publishControl(controlId, build.cancel(controlId, resolved), 'Cancel');
  }

  /** Publishes a steer for a running turn. Without a target, steers the latest active turn. */
  async steer(text: string, target?: ControlTarget): Promise<ControlResult> {
    if (typeof text !== 'string' || text.trim().length === 0) {
      return this.refuse(new DurableSessionError('invalid_argument', 'steer() needs non-empty text.'));
    }
    if (text.length > this.maxInputChars) {
      return this.refuse(new DurableSessionError('oversize', `The steer is ${text.length} characters; the limit is ${this.maxInputChars}.`));
    }
    const resolved = target ?? this.latestActiveTarget();
    if (!resolved) return this.refuse(new DurableSessionError('invalid_state', 'Nothing to steer: no turn is pending or streaming.'));
    const unknown = this.checkTarget(resolved);
    if (unknown) return this.refuse(unknown);
    const steerId = randomId('steer-');
    this.dispatchNow({ type: 'local/steer', steerId, text, target: resolved, at: this.now() });
    return this.publishControl(steerId, build.steer(steerId, text, resolved), 'Steer');
  }

  /** Applies every queued event now instead of at the next frame. */
  flush(): void {
    this.cancelFrame?.();
    this.cancelFrame = null;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    let s = this.store.getState();
    for (const a of batch) s = reduceSession(s, a);
    this.store.setState(s, true);
    if (s.needsBackfill && !s.connection.backfilling) void this.backfill(false);
  }

  /** Listens to every error the session reports (also kept in `store.getState().errors`). */
  onError(listener: (e: DurableSessionError) => void): Unsubscribe {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /**
   * Fetches history and reconciles by serial. Hydration loads everything before the attach point; a
   * backfill walks back until it reaches what the store already holds complete.
   */
  backfill(hydration: boolean): Promise<void> {
    if (this.backfilling) {
      this.backfillAgain = true;
      return this.backfilling;
    }
    this.backfilling = (async () => {
      do {
        this.backfillAgain = false;
        this.flush();
        this.dispatchNow({ type: 'backfill/start' });
        try {
          await this.loadHistory(hydration);
          this.dispatchNow({ type: 'backfill/done', at: this.now(), hydration });
        } catch (e) {
          this.dispatchNow({ type: 'backfill/done', at: this.now(), hydration });
          this.report(toSessionError(e, 'Catching up from history failed'));
        }
        hydration = false;
      } while (this.backfillAgain && !this.closed);
      this.backfilling = null;
    })();
    return this.backfilling;
  }

  private async loadHistory(hydration: boolean): Promise<void> {
    const s = this.store.getState();
    const stopAt = hydration ? undefined : this.backfillBound(s);
    const collected: WireMessage[] = [];
    let page = await this.channel.history({ direction: 'backwards', limit: 100, untilAttach: hydration });
    for (;;) {
      let reached = false;
      for (const m of page.items) {
        collected.push(m);
        if (stopAt !== undefined && m.serial < stopAt) reached = true;
      }
      if (reached || collected.length >= this.maxHistory || !page.hasNext() || this.closed) break;
      const next = await page.next();
      if (!next) break;
      page = next;
    }
    // Oldest first, so turns are built in channel order.
    for (let i = collected.length - 1; i >= 0; i--) this.onMessage(collected[i], true);
    this.flush();
  }

  /** The oldest serial a backfill must reach: the newest settled message, or anything still open. */
  private backfillBound(s: SessionState): string | undefined {
    let bound: string | undefined;
    for (let i = s.order.length - 1; i >= 0; i--) {
      const k = s.order[i];
      if (k.startsWith('local:')) continue;
      if (bound === undefined) bound = k;
      const e = s.entries[k];
      if (e.kind === 'response' && (e.status === 'streaming' || e.gap) && k < bound) bound = k;
    }
    return bound;
  }

  private onMessage(m: WireMessage, fromHistory = false): void {
    const parsed = parseEvent(m);
    if (!parsed.ok) {
      this.report(parsed.error);
      return;
    }
    const ev = parsed.event;
    if ((ev.type === 'agent.response' || ev.type === 'control.steer-ack' || ev.type === 'agent.status') && this.trustAgent && !this.trustAgent(ev.clientId)) {
      this.report(new DurableSessionError('unauthorized', `Ignored ${ev.type} from ${ev.clientId ?? 'an anonymous client'}: not a trusted agent (trustAgent).`, { serial: ev.serial }));
      return;
    }
    if (fromHistory) this.queue.push({ type: 'event', event: parsed.event });
    else this.dispatch({ type: 'event', event: parsed.event });
  }

  private dispatch(a: SessionAction): void {
    this.queue.push(a);
    if (!this.cancelFrame) this.cancelFrame = this.scheduler(() => {
      this.cancelFrame = null;
      this.flush();
    });
  }

  /** Applies an action at once, after anything already queued (so order holds). */
  private dispatchNow(a: SessionAction): void {
    this.queue.push(a);
    this.flush();
  }

  private report(error: DurableSessionError): void {
    this.dispatchNow({ type: 'error', error });
    this.emitError(error);
  }

  private emitError(error: DurableSessionError): void {
    for (const l of [...this.errorListeners]) {
      try {
        l(error);
      } catch {
        // A broken listener must not break the session.
      }
    }
  }

  private refuse(error: DurableSessionError): ControlResult {
    this.report(error);
    return { ok: false, error };
  }

  private async publishControl(id: string, msg: ReturnType<typeof build.cancel>, what: string): Promise<ControlResult> {
    try {
      await this.channel.publish(msg);
      this.dispatchNow({ type: 'local/control-sent', id });
      return { ok: true, id };
    } catch (e) {
      const error = toSessionError(e, `${what} failed`);
      this.dispatchNow({ type: 'local/control-failed', id, error });
      this.emitError(error);
      return { ok: false, error };
    }
  }

  /** The newest turn that is pending or streaming, as a cancel/steer target. */
  private latestActiveTarget(): ControlTarget | undefined {
    this.flush();
    const s = this.store.getState();
    for (let i = s.order.length - 1; i >= 0; i--) {
      const e = s.entries[s.order[i]];
      const st = turnStatus(s, e.turnId);
      if (st === 'pending' || st === 'streaming') {
        if (e.kind === 'user' && e.failed) continue;
        return { kind: 'turn', turnId: e.turnId };
      }
    }
    return undefined;
  }

  private checkTarget(t: ControlTarget): DurableSessionError | undefined {
    const s = this.store.getState();
    const missing = (what: string, id: string) =>
      new DurableSessionError('unknown_target', `No ${what} ${JSON.stringify(id)} in session ${this.sessionId}; nothing was sent.`);
    switch (t.kind) {
      case 'response':
        return s.responses[t.responseId] ? undefined : missing('response', t.responseId);
      case 'turn':
        return s.turns[t.turnId] ? undefined : missing('turn', t.turnId);
      case 'agent':
        return s.agents[t.agentId] || Object.values(s.entries).some((e) => e.kind === 'response' && e.agentId === t.agentId) ||
          s.presence.some((p) => p.data.agentId === t.agentId)
          ? undefined
          : missing('agent', t.agentId);
      case 'all':
        return undefined;
    }
  }
}

/** Creates the client-side controller of one session. Nothing is opened until `acquire()`/`start()`. */
export function createSessionController(opts: SessionControllerOptions): SessionController {
  return new SessionController(opts);
}

/** The response entry with this id, if the store has it. */
export function selectResponse(s: SessionState, responseId: string): ResponseEntry | undefined {
  const key = s.responses[responseId];
  const e = key ? s.entries[key] : undefined;
  return e && e.kind === 'response' ? e : undefined;
}
