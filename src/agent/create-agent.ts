import { DurableSessionError, toSessionError } from '../core/errors.js';
import { randomId } from '../core/ids.js';
import {
  build,
  isFinalStatus,
  parseEvent,
  type CancelEvent,
  type ControlTarget,
  type ResponseStatus,
  type SteerEvent,
  type UserMessageEvent,
  type WireMessage,
} from '../core/protocol.js';
import type { SessionTransport, TransportChannel, Unsubscribe } from '../core/transport.js';
import { SteerQueue, type Steer } from './steer-queue.js';

/** One user message being answered by this agent. */
export interface Turn {
  readonly turnId: string;
  readonly responseId: string;
  readonly agentId: string;
  readonly sessionId: string;
  /** The user message that started the turn. */
  readonly input: { text: string; clientId?: string; serial: string };
  /** Earlier messages of the session, oldest first (user messages and finished responses). */
  readonly transcript: readonly { role: 'user' | 'agent'; text: string; agentId?: string }[];
  /** Fired by an explicit cancel for this turn, response, agent or everything. Never by a disconnect. */
  readonly signal: AbortSignal;
  /** Steers for this turn. Taking one acknowledges it `applied`. */
  readonly steers: SteerQueue;
  /** Streams text; batched into appends. Ignored once the turn ended. */
  write(text: string): void;
  /** Ends the response. Default status `complete` (or `cancelled` once the signal fired). */
  end(status?: Exclude<ResponseStatus, 'streaming'>, error?: string): Promise<void>;
  /** Everything written so far (what subscribers will hold once the turn ends). */
  readonly text: string;
  readonly ended: boolean;
}

export type TurnHandler = (turn: Turn) => void | Promise<void>;

/** Who the agent knows in its session, for a {@link ControlPolicy}. */
export interface SessionParticipants {
  /** Client ids currently in the session's presence. */
  readonly present: ReadonlySet<string>;
  /** Client ids that published a user message in the session. */
  readonly speakers: ReadonlySet<string>;
}

/** Decides whether to obey a cancel or steer; return false to ignore it. */
export type ControlPolicy = (control: { kind: 'cancel' | 'steer'; clientId?: string; target: ControlTarget }, session: SessionParticipants) => boolean;

/**
 * The default {@link ControlPolicy}: obey a control only from a client that is in the session —
 * present now, or the author of a user message in it. A client id that merely can publish to the
 * channel (and never joined the conversation) cannot stop or steer the agent.
 */
export const participantsOnly: ControlPolicy = (control, session) =>
  control.clientId !== undefined && (session.present.has(control.clientId) || session.speakers.has(control.clientId));

/** A {@link ControlPolicy} that obeys every control: the opt-out from {@link participantsOnly}. */
export const allowAnyControl: ControlPolicy = () => true;

export interface AgentOptions {
  transport: SessionTransport;
  sessionId: string;
  /** This agent's id, shown on its responses. */
  agentId: string;
  /** Display name for presence. Default: the agent id. */
  name?: string;
  handler: TurnHandler;
  /** Append batching: at most one append per `intervalMs`, or sooner once `maxChars` are buffered. Default `{ intervalMs: 40, maxChars: 512 }`. */
  batch?: { intervalMs?: number; maxChars?: number };
  /** Which user messages this agent answers. Default: all. */
  respondTo?: (input: { text: string; clientId?: string; turnId: string }) => boolean;
  /**
   * Which cancels and steers to obey. Default {@link participantsOnly}: controls from client ids in
   * the session's presence or that sent a user message in it. Pass {@link allowAnyControl} to obey all.
   */
  authorizeControl?: ControlPolicy;
  /**
   * On start, answer user messages from the last `answerPendingWithinMs` that no response of this
   * agent answers yet (sent while the agent was starting or restarting). Default 60000; 0 disables.
   */
  answerPendingWithinMs?: number;
  /** Called with each turn's final record, for logs and tests. */
  onTurnEnd?: (record: TurnRecord) => void;
  /** Called with errors the agent could not surface in the session. */
  onError?: (e: DurableSessionError) => void;
}

/** What an agent did in one turn: the exact text it published and how it ended. */
export interface TurnRecord {
  sessionId: string;
  turnId: string;
  responseId: string;
  agentId: string;
  text: string;
  status: Exclude<ResponseStatus, 'streaming'>;
  aborted: boolean;
  steersApplied: string[];
}

export interface Agent {
  readonly agentId: string;
  /** Attaches to the session, enters presence and starts answering. */
  start(): Promise<void>;
  /** Stops answering new turns, ends running ones `error`, leaves presence. */
  stop(): Promise<void>;
  /** Turns currently running. */
  readonly running: number;
  /** Resolves when no turn is running. */
  idle(): Promise<void>;
}

const REMEMBERED_CANCELS = 1000;

interface RunningTurn {
  turn: TurnImpl;
  controller: AbortController;
}

class TurnImpl implements Turn {
  readonly signal: AbortSignal;
  readonly steers: SteerQueue;
  text = '';
  ended = false;
  private serial: Promise<string>;
  private buffer = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private sent = 0;
  readonly steersApplied: string[] = [];
  finalStatus: Exclude<ResponseStatus, 'streaming'> = 'complete';

  constructor(
    private readonly ch: TransportChannel,
    readonly sessionId: string,
    readonly agentId: string,
    readonly turnId: string,
    readonly responseId: string,
    readonly input: Turn['input'],
    readonly transcript: Turn['transcript'],
    controller: AbortController,
    private readonly batch: { intervalMs: number; maxChars: number },
    private readonly onError: (e: DurableSessionError) => void,
    onSteerTaken: (s: Steer, turn: TurnImpl) => void,
    status: ResponseStatus,
  ) {
    this.signal = controller.signal;
    this.steers = new SteerQueue((s) => {
      this.steersApplied.push(s.steerId);
      onSteerTaken(s, this);
    });
    this.serial = ch.publish(build.responseCreate({ responseId, agentId, turnId, status })).then((r) => r.serial);
    this.serial.catch((e: unknown) => this.onError(toSessionError(e, `Agent ${agentId} could not create its response`)));
  }

  private headers(status: ResponseStatus, error?: string) {
    const p: Parameters<typeof build.responseHeaders>[0] = { responseId: this.responseId, agentId: this.agentId, turnId: this.turnId, status, offset: this.sent };
    if (error !== undefined) p.error = error;
    return build.responseHeaders(p);
  }

  write(text: string): void {
    if (this.ended || typeof text !== 'string' || text.length === 0) return;
    this.buffer += text;
    this.text += text;
    if (this.buffer.length >= this.batch.maxChars) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.batch.intervalMs);
  }

  /** Sends what is buffered as one append, after every earlier append. */
  private flush(status: ResponseStatus = 'streaming', error?: string): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const data = this.buffer;
    this.buffer = '';
    if (data.length === 0 && status === 'streaming') return this.chain;
    const headers = this.headers(status, error);
    this.sent += data.length;
    this.chain = this.chain
      .then(() => this.serial)
      .then((serial) => this.ch.append(serial, data, headers))
      .catch((e: unknown) => this.onError(toSessionError(e, `Agent ${this.agentId} failed to append to ${this.responseId}`)));
    return this.chain;
  }

  end(status?: Exclude<ResponseStatus, 'streaming'>, error?: string): Promise<void> {
    if (this.ended) return this.chain;
    this.ended = true;
    this.finalStatus = status ?? (this.signal.aborted ? 'cancelled' : 'complete');
    return this.flush(this.finalStatus, error);
  }

  /** Ends before any append: used when the turn was cancelled before it started. */
  endSilently(status: Exclude<ResponseStatus, 'streaming'>): void {
    this.ended = true;
    this.finalStatus = status;
  }

  get created(): Promise<string> {
    return this.serial;
  }
}

/**
 * Runs an agent in a session: answers each user message with one streamed response, obeys explicit
 * cancels through `turn.signal`, delivers steers through `turn.steers`, and is present as an agent.
 * A client disconnecting — even every client — never aborts a turn.
 */
export function createAgent(opts: AgentOptions): Agent {
  const { transport, sessionId, agentId } = opts;
  if (!agentId) throw new DurableSessionError('invalid_argument', 'createAgent needs an agentId.');
  const ch = transport.channel(sessionId);
  const batch = { intervalMs: opts.batch?.intervalMs ?? 40, maxChars: opts.batch?.maxChars ?? 512 };
  const running = new Map<string, RunningTurn>();
  const cancelledTurns = new Set<string>();
  const seenTurns = new Set<string>();
  /** Controls already obeyed, so a republished or backfilled copy is not obeyed twice. */
  const seenControls = new Set<string>();
  /** turnId → responseId of the turns this agent answered and ended, oldest first: a steer that comes too late gets an answer. */
  const endedTurns = new Map<string, string>();
  /** Newest serial this agent processed: where a catch-up after a discontinuity may stop. */
  let lastSerial = '';
  const transcript: { role: 'user' | 'agent'; text: string; agentId?: string }[] = [];
  const idleWaiters: (() => void)[] = [];
  const answerPendingWithinMs = opts.answerPendingWithinMs ?? 60_000;
  const policy = opts.authorizeControl ?? participantsOnly;
  const present = new Set<string>();
  const speakers = new Set<string>();
  const participants: SessionParticipants = { present, speakers };
  const authorize = (control: Parameters<ControlPolicy>[0]) => policy(control, participants);
  const onError = (e: DurableSessionError) => {
    if (opts.onError) opts.onError(e);
  };
  let unsub: Unsubscribe[] = [];
  let stopped = false;

  const rememberCancel = (turnId: string) => {
    cancelledTurns.add(turnId);
    if (cancelledTurns.size > REMEMBERED_CANCELS) cancelledTurns.delete(cancelledTurns.values().next().value as string);
  };

  const matches = (t: ControlTarget, r: RunningTurn) =>
    t.kind === 'all' ||
    (t.kind === 'agent' && t.agentId === agentId) ||
    (t.kind === 'turn' && t.turnId === r.turn.turnId) ||
    (t.kind === 'response' && t.responseId === r.turn.responseId);

  const publishAck = (p: Parameters<typeof build.steerAck>[0]) => {
    ch.publish(build.steerAck(p)).catch((e: unknown) => onError(toSessionError(e, 'Steer acknowledgement failed')));
  };

  const finish = (r: RunningTurn) => {
    if (!running.delete(r.turn.turnId)) return;
    endedTurns.set(r.turn.turnId, r.turn.responseId);
    if (endedTurns.size > REMEMBERED_CANCELS) endedTurns.delete(endedTurns.keys().next().value as string);
    for (const s of r.turn.steers.close()) {
      publishAck({ steerId: s.steerId, agentId, status: 'rejected', responseId: r.turn.responseId, reason: 'The turn ended before the steer was applied.' });
    }
    transcript.push({ role: 'agent', text: r.turn.text, agentId });
    opts.onTurnEnd?.({
      sessionId,
      turnId: r.turn.turnId,
      responseId: r.turn.responseId,
      agentId,
      text: r.turn.text,
      status: r.turn.finalStatus,
      aborted: r.controller.signal.aborted,
      steersApplied: [...r.turn.steersApplied],
    });
    if (running.size === 0) for (const w of idleWaiters.splice(0)) w();
  };

  const startTurn = (ev: UserMessageEvent) => {
    if (ev.clientId !== undefined) speakers.add(ev.clientId);
    if (seenTurns.has(ev.turnId) || stopped) return;
    seenTurns.add(ev.turnId);
    const input: Turn['input'] = ev.clientId === undefined ? { text: ev.text, serial: ev.serial } : { text: ev.text, clientId: ev.clientId, serial: ev.serial };
    const prior = transcript.slice();
    transcript.push({ role: 'user', text: ev.text });
    if (opts.respondTo && !opts.respondTo({ text: ev.text, turnId: ev.turnId, ...(ev.clientId ? { clientId: ev.clientId } : {}) })) return;
    const controller = new AbortController();
    const cancelledEarly = cancelledTurns.has(ev.turnId);
    const turn = new TurnImpl(
      ch,
      sessionId,
      agentId,
      ev.turnId,
      randomId('resp-'),
      input,
      prior,
      controller,
      batch,
      onError,
      (s, t) => publishAck({ steerId: s.steerId, agentId, status: 'applied', responseId: t.responseId }),
      cancelledEarly ? 'cancelled' : 'streaming',
    );
    const r: RunningTurn = { turn, controller };
    if (cancelledEarly) {
      // Stop arrived before the turn began: the create itself carries `cancelled`, and no text follows.
      controller.abort();
      turn.endSilently('cancelled');
      running.set(ev.turnId, r);
      void turn.created.finally(() => finish(r));
      return;
    }
    running.set(ev.turnId, r);
    controller.signal.addEventListener('abort', () => {
      void turn.end('cancelled').finally(() => finish(r));
    });
    void (async () => {
      try {
        await opts.handler(turn);
        await turn.end();
      } catch (e) {
        if (controller.signal.aborted) await turn.end('cancelled');
        else await turn.end('error', e instanceof Error ? e.message : String(e));
      }
      if (!controller.signal.aborted) finish(r);
    })();
  };

  const onCancel = (ev: CancelEvent) => {
    if (!authorize({ kind: 'cancel', target: ev.target, ...(ev.clientId ? { clientId: ev.clientId } : {}) })) return;
    let hit = false;
    for (const r of [...running.values()]) {
      if (matches(ev.target, r) && !r.controller.signal.aborted) {
        hit = true;
        r.controller.abort(new DurableSessionError('invalid_state', `Cancelled by ${ev.clientId ?? 'a client'}`));
      }
    }
    if (!hit && ev.target.kind === 'turn' && !seenTurns.has(ev.target.turnId)) rememberCancel(ev.target.turnId);
  };

  const onSteer = (ev: SteerEvent) => {
    if (!authorize({ kind: 'steer', target: ev.target, ...(ev.clientId ? { clientId: ev.clientId } : {}) })) return;
    let hit = false;
    let ended: string | undefined;
    const t = ev.target;
    for (const r of running.values()) {
      if (!matches(t, r)) continue;
      if (r.turn.ended) {
        if (t.kind === 'turn' || t.kind === 'response') ended = r.turn.responseId;
        continue;
      }
      hit = true;
      const s: Steer = ev.clientId === undefined ? { steerId: ev.steerId, text: ev.text } : { steerId: ev.steerId, text: ev.text, clientId: ev.clientId };
      publishAck({ steerId: ev.steerId, agentId, status: 'received', responseId: r.turn.responseId });
      r.turn.steers.push(s);
    }
    if (hit) return;
    // Aimed at a turn this agent already finished (the user steered as the answer ended): say so, or the
    // steer would wait for an acknowledgement forever.
    if (t.kind === 'turn') ended ??= endedTurns.get(t.turnId);
    else if (t.kind === 'response' && ended === undefined && [...endedTurns.values()].includes(t.responseId)) ended = t.responseId;
    if (ended !== undefined) {
      publishAck({ steerId: ev.steerId, agentId, status: 'rejected', responseId: ended, reason: 'The turn ended before the steer was applied.' });
    } else if (t.kind === 'agent' && t.agentId === agentId) {
      publishAck({ steerId: ev.steerId, agentId, status: 'rejected', reason: `Agent ${agentId} has no running turn to steer.` });
    }
  };

  const firstSight = (id: string) => {
    if (seenControls.has(id)) return false;
    seenControls.add(id);
    if (seenControls.size > REMEMBERED_CANCELS) seenControls.delete(seenControls.values().next().value as string);
    return true;
  };

  const onMessage = (m: WireMessage) => {
    const p = parseEvent(m);
    if (!p.ok) {
      onError(p.error);
      return;
    }
    const ev = p.event;
    if (ev.serial > lastSerial) lastSerial = ev.serial;
    switch (ev.type) {
      case 'user.message':
        startTurn(ev);
        break;
      case 'control.cancel':
        if (firstSight(`c:${ev.controlId}`)) onCancel(ev);
        break;
      case 'control.steer':
        if (firstSight(`s:${ev.steerId}`)) onSteer(ev);
        break;
      case 'agent.response':
        // Another agent's (or our earlier self's) answer: remember the turn as answered when it is ours.
        if (ev.agentId === agentId) seenTurns.add(ev.turnId);
        if (isFinalStatus(ev.status) && ev.agentId !== agentId && ev.action !== 'message.append') {
          transcript.push({ role: 'agent', text: ev.text, agentId: ev.agentId });
        }
        break;
      default:
        break;
    }
  };

  /**
   * After the channel re-attached without continuity, reads back what was missed — user messages,
   * cancels and steers published while this agent was away — and handles it as if it had arrived live.
   */
  let catchingUp: Promise<void> = Promise.resolve();
  const catchUp = async () => {
    const missed: WireMessage[] = [];
    try {
      let page = await ch.history({ direction: 'backwards', limit: 100 });
      for (;;) {
        let reached = false;
        for (const m of page.items) {
          if (lastSerial !== '' && m.serial <= lastSerial) reached = true;
          else missed.push(m);
        }
        if (reached || !page.hasNext() || missed.length >= 2000) break;
        const n = await page.next();
        if (!n) break;
        page = n;
      }
    } catch (e) {
      onError(toSessionError(e, `Agent ${agentId} could not catch up after a discontinuity`));
    }
    for (let i = missed.length - 1; i >= 0 && !stopped; i--) onMessage(missed[i]);
  };
  const onDiscontinuity = () => {
    if (!stopped) catchingUp = catchingUp.then(catchUp);
  };

  return {
    agentId,
    get running() {
      return running.size;
    },
    async start() {
      stopped = false;
      unsub.push(
        ch.subscribe(onMessage),
        ch.onDiscontinuity(onDiscontinuity),
        ch.presence.subscribe((members) => {
          present.clear();
          for (const m of members) present.add(m.clientId);
        }),
      );
      await ch.attach();
      // Learn what was already said so a restarted agent neither re-answers old turns nor loses context.
      const before: WireMessage[] = [];
      let page = await ch.history({ direction: 'backwards', limit: 200, untilAttach: true });
      for (;;) {
        before.push(...page.items);
        if (!page.hasNext() || before.length >= 2000) break;
        const n = await page.next();
        if (!n) break;
        page = n;
      }
      const answered = new Set<string>();
      const unanswered: UserMessageEvent[] = [];
      const cutoff = Date.now() - answerPendingWithinMs;
      for (let i = before.length - 1; i >= 0; i--) {
        const p = parseEvent(before[i]);
        if (p.ok && p.event.type === 'agent.response' && p.event.agentId === agentId) answered.add(p.event.turnId);
      }
      for (let i = before.length - 1; i >= 0; i--) {
        const p = parseEvent(before[i]);
        if (!p.ok) continue;
        const ev = p.event;
        if (ev.serial > lastSerial) lastSerial = ev.serial;
        if (ev.type === 'control.cancel') seenControls.add(`c:${ev.controlId}`);
        else if (ev.type === 'control.steer') seenControls.add(`s:${ev.steerId}`);
        if (ev.type === 'user.message') {
          if (ev.clientId !== undefined) speakers.add(ev.clientId);
          if (answerPendingWithinMs > 0 && !answered.has(ev.turnId) && ev.timestamp >= cutoff) {
            unanswered.push(ev);
            continue;
          }
          seenTurns.add(ev.turnId);
          transcript.push({ role: 'user', text: ev.text });
        } else if (ev.type === 'agent.response' && isFinalStatus(ev.status)) {
          transcript.push({ role: 'agent', text: ev.text, agentId: ev.agentId });
        } else if (ev.type === 'control.cancel') {
          const t = ev.target;
          if (t.kind === 'turn') rememberCancel(t.turnId);
          // "Stop everything" (or this agent) reaches every turn that was waiting when it was sent.
          else if (t.kind === 'all' || (t.kind === 'agent' && t.agentId === agentId)) for (const u of unanswered) rememberCancel(u.turnId);
        }
      }
      // A message sent just before this agent attached is still waiting for an answer: give it one
      // (or, if it was already cancelled, end it cancelled so every tab sees the outcome).
      for (const ev of unanswered) startTurn(ev);
      await ch.presence.enter({ kind: 'agent', agentId, name: opts.name ?? agentId });
      for (const m of await ch.presence.get()) present.add(m.clientId);
    },
    async stop() {
      stopped = true;
      for (const u of unsub) u();
      unsub = [];
      const ends = [...running.values()].map(async (r) => {
        await r.turn.end('error', `Agent ${agentId} stopped.`);
        finish(r);
      });
      await Promise.all(ends);
      try {
        await ch.presence.leave();
      } catch {
        // Leaving presence on a dead connection: the server drops the member with the connection.
      }
    },
    idle() {
      if (running.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
