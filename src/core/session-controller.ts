/**
 * The client side of one session: owns its store, attaches through the transport, and publishes user
 * messages, cancels and steers. Vanilla — the React provider is a thin binding over it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { ActionQueue } from './action-queue.js';
import { SessionActions, type ControllerOptionsState } from './session-actions.js';
import { DurableSessionError, toSessionError } from './errors.js';
import { animationFrameScheduler } from './frame-scheduler.js';
import { HistorySync } from './history-sync.js';
import { randomId } from './ids.js';
import { PresenceSeat } from './presence-seat.js';
import { Listeners } from './listeners.js';
import { LivenessWatcher } from './liveness.js';
import { parseEvent, parsePresenceData } from './parse-event.js';
import { EventName, Limits, type WireMessage } from './protocol.js';
import type { ControlResult, SendOptions, SessionControllerOptions, SessionControllerUpdate } from './session-controller-options.js';

export type { ControlResult, SendOptions, SessionControllerOptions, SessionControllerUpdate };
import type { SessionAction } from './reduce-session.js';
import { initialSessionState, type SessionState } from './session-state.js';
import { branchChoice, selectPath } from './thread-tree.js';
import { browserSessionStorage, ViewKeeper } from './view-keeper.js';
import type { PresenceMember, SessionTransport, TransportChannel, Unsubscribe } from './transport.js';

/** Most pages one `loadOlder()` reads while looking for the shown path's older messages. */
const MAX_PAGES_PER_LOAD = 20;

/** Events only an agent speaks: `trustAgent` decides whose to apply. */
const AGENT_EVENTS: ReadonlySet<string> = new Set([EventName.AgentResponse, EventName.SteerAck, EventName.AgentStatus, EventName.Claim]);

const memberViews = (members: PresenceMember[]) => members.map((m) => ({ clientId: m.clientId, connectionId: m.connectionId, data: parsePresenceData(m.data) }));

/**
 * The client side of a session: owns one store, subscribes to the channel through the transport,
 * hydrates and backfills from history, and publishes user messages, cancels and steers.
 */
export class SessionController extends SessionActions {
  readonly store: StoreApi<SessionState>;
  readonly sessionId: string;
  readonly tabId: string;
  readonly #transportArg: SessionTransport | (() => SessionTransport);
  #resolved: { transport: SessionTransport; channel: TransportChannel; owned: boolean } | null = null;
  protected readonly queue: ActionQueue;
  readonly #history: HistorySync;
  readonly #liveness: LivenessWatcher;
  readonly #viewKeeper: ViewKeeper;
  protected options: ControllerOptionsState;
  readonly #seat: PresenceSeat;
  readonly #enterPresence: boolean;
  #subs: Unsubscribe[] = [];
  #refs = 0;
  #started: Promise<void> | null = null;
  #stopTimer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;
  protected readonly errorListeners = new Listeners<[DurableSessionError]>();

  constructor(opts: SessionControllerOptions) {
    super();
    if (!opts.sessionId) throw new DurableSessionError('invalid_argument', 'SessionController needs a non-empty sessionId.');
    if (!opts.transport) throw new DurableSessionError('invalid_argument', 'SessionController needs a transport (createAblyTransport or createMemoryTransport).');
    this.#transportArg = opts.transport;
    this.sessionId = opts.sessionId;
    const pageSize = opts.historyPageSize ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw new DurableSessionError('invalid_argument', `historyPageSize must be an integer from 1 to 1000 (got ${pageSize}).`);
    this.options = {
      maxHistory: opts.maxHistory ?? 2000,
      maxInputChars: opts.maxInputChars ?? Limits.maxInputChars,
      now: opts.now ?? Date.now,
      agentGoneMs: opts.agentGoneMs ?? 3000,
      historyPageSize: pageSize,
      allowEditingOthers: opts.allowEditingOthers ?? false,
    };
    if (opts.trustAgent) this.options.trustAgent = opts.trustAgent;
    this.tabId = opts.presence?.tabId ?? randomId('tab-');
    this.#seat = new PresenceSeat({ kind: 'user', ...opts.presence, tabId: this.tabId });
    this.#enterPresence = opts.enterPresence ?? true;
    const initial = initialSessionState(opts.sessionId);
    if (opts.followBranches === false) initial.view = { ...initial.view, followBranches: false };
    this.store = createStore<SessionState>()(() => initial);
    this.#viewKeeper = new ViewKeeper(this.store, opts.viewStorage === undefined ? browserSessionStorage() : opts.viewStorage);
    this.queue = new ActionQueue(this.store, opts.scheduler ?? animationFrameScheduler, (s) => {
      if (s.needsBackfill && !s.connection.backfilling) void this.#history.backfill();
    });
    this.#liveness = new LivenessWatcher({ store: this.store, dispatch: (a) => this.queue.dispatchNow(a), graceMs: () => this.options.agentGoneMs });
    this.#history = new HistorySync({
      store: this.store,
      queue: this.queue,
      channel: () => this.channel,
      maxHistory: () => this.options.maxHistory,
      pageSize: () => this.options.historyPageSize,
      now: () => this.options.now(),
      closed: () => this.#closed,
      ingest: (m) => this.#onMessage(m, true),
      report: (e) => this.report(e),
    });
  }

  get #transport(): SessionTransport {
    return this.#connect().transport;
  }

  protected get channel(): TransportChannel {
    return this.#connect().channel;
  }

  #connect() {
    if (!this.#resolved) {
      const owned = typeof this.#transportArg === 'function';
      const transport = typeof this.#transportArg === 'function' ? this.#transportArg() : this.#transportArg;
      this.#resolved = { transport, channel: transport.channel(this.sessionId), owned };
    }
    return this.#resolved;
  }

  /** True once {@link stop} has run: a stopped controller cannot start again. */
  get stopped(): boolean {
    return this.#closed;
  }

  /**
   * This client's id if it is known without opening anything: undefined while a transport factory
   * has not run yet (it runs on the first `start()`), so rendering can read it safely — on a server too.
   */
  get knownClientId(): string | undefined {
    if (this.#resolved) return this.#resolved.transport.clientId;
    return typeof this.#transportArg === 'function' ? undefined : this.#transportArg.clientId;
  }

  /** This client's id (resolves the transport if it was given as a factory). */
  get clientId(): string {
    return this.#transport.clientId;
  }

  /** Changes options that need no new connection; takes effect for the next message, send or backfill. */
  setOptions(update: SessionControllerUpdate): void {
    const next = { ...this.options };
    if ('trustAgent' in update) {
      if (update.trustAgent) next.trustAgent = update.trustAgent;
      else delete next.trustAgent;
    }
    if (update.maxInputChars !== undefined) next.maxInputChars = update.maxInputChars;
    if (update.maxHistory !== undefined) next.maxHistory = update.maxHistory;
    if (update.agentGoneMs !== undefined) next.agentGoneMs = update.agentGoneMs;
    this.options = next;
  }

  /**
   * Takes a reference: the first one attaches, hydrates and enters presence. Paired with
   * {@link release}; a release followed by an acquire in the same tick (React StrictMode's double
   * mount) keeps the one subscription.
   */
  acquire(): Promise<void> {
    this.#refs++;
    if (this.#stopTimer) {
      clearTimeout(this.#stopTimer);
      this.#stopTimer = null;
    }
    return this.start();
  }

  /** Drops a reference; the last one detaches and leaves presence (after a tick). Never cancels anything. */
  release(): void {
    this.#refs = Math.max(0, this.#refs - 1);
    if (this.#refs > 0 || this.#stopTimer) return;
    this.#stopTimer = setTimeout(() => {
      this.#stopTimer = null;
      if (this.#refs === 0) void this.stop();
    }, 0);
  }

  /** Attaches, hydrates from history and enters presence. Idempotent. */
  start(): Promise<void> {
    if (this.#closed) return Promise.reject(new DurableSessionError('invalid_state', 'This session controller was stopped; create a new one.'));
    if (!this.#started) this.#started = this.#run();
    return this.#started;
  }

  async #run(): Promise<void> {
    const ch = this.channel;
    const at = () => this.options.now();
    this.queue.dispatch({ type: 'connection', change: { status: this.#transport.status === 'connected' ? 'connecting' : this.#transport.status }, at: at() });
    this.#subs.push(
      this.#transport.onStatus((change) => this.queue.dispatchNow({ type: 'connection', change, at: at() })),
      ch.subscribe((m) => this.#onMessage(m)),
      ch.onDiscontinuity(() => void this.#history.backfill()),
      ch.presence.subscribe((members) => this.queue.dispatch({ type: 'presence', members: memberViews(members) })),
      this.#liveness.start(),
      this.#viewKeeper.start((a) => this.queue.dispatchNow(a)),
    );
    try {
      await ch.attach();
      if (this.#closed) return;
      this.queue.dispatchNow({ type: 'connection', change: { status: this.#transport.status === 'resuming' ? 'resuming' : 'connected' }, at: at() });
      await this.#history.hydrate();
      if (this.#enterPresence && !this.#closed) {
        await this.#seat.enter(ch, () => !this.#closed);
      }
      if (!this.#closed) {
        this.queue.dispatchNow({ type: 'presence', members: memberViews(await ch.presence.get()) });
        this.#liveness.presenceSynced();
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
    const next = this.#seat.change(change);
    if (!next || this.#closed) return;
    try {
      await this.channel.presence.update(next);
    } catch (e) {
      this.report(toSessionError(e, 'Updating presence failed'));
    }
  }

  /** Detaches and leaves presence. Never publishes a cancel: leaving is not stopping. */
  async stop(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.queue.flush();
    for (const u of this.#subs) u();
    this.#subs = [];
    this.queue.cancel();
    if (!this.#resolved) return;
    try {
      if (this.#enterPresence) await this.channel.presence.leave();
      await this.channel.detach();
      if (this.#resolved?.owned) await this.#resolved.transport.close();
    } catch {
      // The connection may already be gone; there is nothing left to clean up on our side.
    }
  }

  /** Applies every queued event now instead of at the next frame. */
  flush(): void {
    this.queue.flush();
  }

  /** Listens to every error the session reports (also kept in `store.getState().errors`). */
  onError(listener: (e: DurableSessionError) => void): Unsubscribe {
    return this.errorListeners.add(listener);
  }

  /** Forgets the errors kept in the store (listeners already had them). */
  clearErrors(): void {
    this.queue.dispatchNow({ type: 'errors/clear' });
  }

  /** Loads the newest history page from before the attach point (done by `start()`). */
  hydrate(): Promise<void> {
    return this.#history.hydrate();
  }

  /**
   * Loads older history, one request of `historyPageSize` messages per page, until the shown path
   * gains older messages (usually one page); resolves with how many messages it read, 0 when nothing
   * is older. `state.paging` says whether more is there.
   */
  async loadOlder(): Promise<number> {
    // A page can hold only other branches (an edit far back puts the shown path's older turns
    // behind the whole branch beside it): read on, a page per request, until the shown path grows.
    const top = () => selectPath(this.store.getState()).keys[0];
    const before = top();
    let read = 0;
    for (let pages = 0; pages < MAX_PAGES_PER_LOAD; pages++) {
      const n = await this.#history.loadOlder();
      read += n;
      if (n === 0 || top() !== before || !this.store.getState().paging.hasOlder) break;
    }
    return read;
  }

  /**
   * Shows alternative `index` of a message in this tab: another branch of an edited user message, or
   * another version of an agent's answer. Other tabs keep what they show. Throws a
   * {@link DurableSessionError} for a message the session does not have or an index out of range.
   */
  selectBranch(key: string, index: number): void {
    this.queue.flush();
    const c = branchChoice(this.store.getState(), key, index);
    if (c instanceof DurableSessionError) {
      this.report(c);
      throw c;
    }
    this.queue.dispatchNow({ type: 'local/select-branch', ...c });
  }

  /** Walks history back to what the store holds settled (done on a discontinuity or a gap). */
  backfill(): Promise<void> {
    return this.#history.backfill();
  }

  #onMessage(m: WireMessage, fromHistory = false): void {
    const parsed = parseEvent(m);
    if (!parsed.ok) {
      this.report(parsed.error);
      return;
    }
    const ev = parsed.event;
    const trust = this.options.trustAgent;
    if (trust && AGENT_EVENTS.has(ev.type) && !trust(ev.clientId)) {
      this.report(new DurableSessionError('unauthorized', `Ignored ${ev.type} from ${ev.clientId ?? 'an anonymous client'}: not a trusted agent (trustAgent).`, { serial: ev.serial }));
      return;
    }
    const action: SessionAction = { type: 'event', event: ev };
    if (fromHistory) this.queue.enqueue(action);
    else this.queue.dispatch(action);
  }

  protected report(error: DurableSessionError): void {
    this.queue.dispatchNow({ type: 'error', error });
    this.errorListeners.emitSafely(error);
  }

}

/** Creates the client-side controller of one session. Nothing is opened until `acquire()`/`start()`. */
export function createSessionController(opts: SessionControllerOptions): SessionController {
  return new SessionController(opts);
}
