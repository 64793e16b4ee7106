/**
 * Runs an agent in one session: answers each user message with one streamed response, obeys
 * explicit cancels and steers, is present as an agent, and catches up after a discontinuity.
 */
import { build } from '../core/build-event.js';
import { DurableSessionError, toSessionError } from '../core/errors.js';
import { randomId } from '../core/ids.js';
import { parseEvent } from '../core/parse-event.js';
import { isFinalStatus, type SessionEvent, type UserMessageEvent, type WireMessage } from '../core/protocol.js';
import { readHistory } from '../core/read-history.js';
import { RecentMap, RecentSet } from '../core/recent.js';
import type { Unsubscribe } from '../core/transport.js';
import type { Agent, AgentOptions, ControlPolicy, SessionParticipants, TranscriptLine, Turn } from './agent-types.js';
import { participantsOnly } from './control-policy.js';
import { controlOf, notAParticipant, rejectUntaken, routeApproval, routeCancel, routeSteer, yieldClaimed, type ControlContext } from './control-router.js';
import { partsOf } from './parts-of.js';
import { scanHistory } from './history-scan.js';
import { ConversationLog } from './conversation-log.js';
import { agentTakeover } from './agent-takeover.js';
import { TurnWriter } from './turn-writer.js';

export type { Agent, AgentOptions, ControlPolicy, SessionParticipants, Turn, TurnHandler, TurnRecord, TranscriptLine } from './agent-types.js';

/** How many cancelled, ended and controlled ids an agent remembers. */
const REMEMBERED = 1000;
/** Most history messages an agent reads on start or after a discontinuity. */
const MAX_HISTORY = 2000;

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
  const answerPendingWithinMs = opts.answerPendingWithinMs ?? 60_000;
  const running = new Map<string, TurnWriter>();
  const cancelledTurns = new RecentSet<string>(REMEMBERED);
  const seenTurns = new Set<string>();
  /** Controls already obeyed, so a republished or backfilled copy is not obeyed twice. */
  const seenControls = new RecentSet<string>(REMEMBERED);
  const endedTurns = new RecentMap<string, string>(REMEMBERED);
  /** Newest serial this agent processed: where a catch-up after a discontinuity may stop. */
  let lastSerial = '';
  const log = new ConversationLog();
  const idleWaiters: (() => void)[] = [];
  const present = new Set<string>();
  const speakers = new Set<string>();
  const participants: SessionParticipants = { present, speakers };
  const policy: ControlPolicy = opts.authorizeControl ?? participantsOnly;
  const instance = opts.instanceId ?? randomId('inst-');
  const takeoverMode = opts.takeover ?? 'continue';
  /** Recent user messages by turn: what a retry or a takeover answers. */
  const questions = new RecentMap<string, UserMessageEvent>(REMEMBERED);
  const onError = (e: DurableSessionError) => opts.onError?.(e);
  let unsub: Unsubscribe[] = [];
  let stopped = false;

  const control: ControlContext = {
    agentId,
    running,
    seenTurns,
    endedTurns,
    rememberCancel: (turnId) => void cancelledTurns.add(turnId),
    publishAck: (p) => {
      ch.publish(build.steerAck(p)).catch((e: unknown) => onError(toSessionError(e, 'Steer acknowledgement failed')));
    },
  };

  const ownsResponse = (responseId: string) => [...running.values()].some((t) => t.responseId === responseId) || [...endedTurns.values()].includes(responseId);

  const finish = (t: TurnWriter) => {
    if (!running.delete(t.turnId)) return;
    endedTurns.set(t.turnId, t.responseId);
    rejectUntaken(t, control);
    log.addAnswer(t.turnId, agentId, t.text);
    opts.onTurnEnd?.({
      sessionId,
      turnId: t.turnId,
      responseId: t.responseId,
      agentId,
      text: t.text,
      parts: partsOf(t.body),
      status: t.finalStatus,
      aborted: t.signal.aborted,
      steersApplied: [...t.steersApplied],
      reason: t.reason,
    });
    if (running.size === 0) for (const w of idleWaiters.splice(0)) w();
  };

  const newTurn = (ev: UserMessageEvent, responseId = randomId('resp-')): TurnWriter => {
    const input: Turn['input'] = { text: ev.text, serial: ev.serial };
    if (ev.clientId !== undefined) input.clientId = ev.clientId;
    if (ev.attachments) input.attachments = ev.attachments;
    if (ev.metadata) input.metadata = ev.metadata;
    return new TurnWriter({
      channel: ch,
      sessionId,
      agentId,
      turnId: ev.turnId,
      responseId,
      input,
      transcript: log.before(ev.turnId),
      controller: new AbortController(),
      batch,
      onError,
      instance,
      onSteerTaken: (s, t) => control.publishAck({ steerId: s.steerId, agentId, status: 'applied', responseId: t.responseId }),
    });
  };

  /** Runs the handler for a turn whose response exists (or is being created) until it ends. */
  const runTurn = (turn: TurnWriter) => {
    running.set(turn.turnId, turn);
    turn.signal.addEventListener('abort', () => {
      void turn.end('cancelled').finally(() => finish(turn));
    });
    void (async () => {
      try {
        await opts.handler(turn);
        await turn.end();
      } catch (e) {
        if (turn.signal.aborted) await turn.end('cancelled');
        else await turn.end('error', e instanceof Error ? e.message : String(e));
      }
      if (!turn.signal.aborted) finish(turn);
    })();
  };

  const startTurn = (ev: UserMessageEvent) => {
    if (ev.clientId !== undefined) speakers.add(ev.clientId);
    questions.set(ev.turnId, ev);
    if (seenTurns.has(ev.turnId) || stopped) return;
    seenTurns.add(ev.turnId);
    log.addUser(ev);
    if (opts.standby) return;
    if (ev.edits !== undefined && !opts.answerEditsOfOthers) {
      const original = questions.get(ev.edits);
      if (original && original.clientId !== ev.clientId) {
        onError(new DurableSessionError('unauthorized', `Agent ${agentId} did not answer turn ${ev.turnId}: it edits ${ev.edits}, a message ${original.clientId ?? 'another participant'} sent, and ${ev.clientId ?? 'an anonymous client'} is not its author (answerEditsOfOthers).`, { serial: ev.serial }));
        return;
      }
    }
    if (opts.respondTo && !opts.respondTo({ text: ev.text, turnId: ev.turnId, ...(ev.clientId ? { clientId: ev.clientId } : {}) })) return;
    const turn = newTurn(ev);
    if (cancelledTurns.has(ev.turnId)) {
      // Stop arrived before the turn began: the create itself carries `cancelled`, and no text follows.
      running.set(ev.turnId, turn);
      turn.controller.abort();
      turn.endSilently('cancelled');
      void turn.open('cancelled').finally(() => finish(turn));
      return;
    }
    void turn.open('streaming');
    runTurn(turn);
  };

  /** Whether the control policy obeys this cancel, steer, approval decision or retry. */
  const obeys = (ev: SessionEvent): boolean => {
    const c = controlOf(ev);
    return c !== undefined && policy(ev.clientId === undefined ? c : { ...c, clientId: ev.clientId }, participants);
  };

  const { watch, retry } = agentTakeover({
    agentId,
    channel: ch,
    mode: takeoverMode,
    graceMs: opts.takeoverAfterMs ?? 3000,
    instance,
    maxHistory: MAX_HISTORY,
    questions,
    running,
    seenTurns,
    isStopped: () => stopped,
    obeys,
    newTurn,
    runTurn,
    onError,
    ...(opts.onTakeover ? { onTakeover: opts.onTakeover } : {}),
  });

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
        if (seenControls.add(`c:${ev.controlId}`) && obeys(ev)) routeCancel(ev, control);
        break;
      case 'control.steer':
        if (seenControls.add(`s:${ev.steerId}`) && obeys(ev)) routeSteer(ev, control);
        break;
      case 'agent.claim':
        watch.onClaim(ev);
        yieldClaimed(ev, running, instance);
        break;
      case 'control.retry':
        if (ev.agentId === agentId && seenControls.add(`r:${ev.retryId}`) && obeys(ev)) watch.claim(`retry:${ev.retryId}`, () => void retry(ev));
        break;
      case 'control.approval':
        if (!seenControls.add(`a:${ev.decisionId}`)) break;
        if (obeys(ev)) routeApproval(ev, control, onError);
        else if (ownsResponse(ev.responseId)) onError(notAParticipant(ev));
        break;
      case 'agent.response':
        // Another agent's (or our earlier self's) answer: remember the turn as answered when it is ours.
        if (ev.agentId === agentId) seenTurns.add(ev.turnId);
        watch.onResponse(ev);
        // What others write (another agent, or a standby's view of the live instance) joins the
        // transcript when it ends; this instance's own answers are logged by `finish`.
        if (ev.agentId !== agentId || ev.instance !== instance) log.addResponseEvent(ev);
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
    const since = lastSerial;
    let missed: WireMessage[] = [];
    try {
      const read = await readHistory(ch, { max: MAX_HISTORY, reached: (m) => since !== '' && m.serial <= since });
      missed = since === '' ? read : read.filter((m) => m.serial > since);
    } catch (e) {
      onError(toSessionError(e, `Agent ${agentId} could not catch up after a discontinuity`));
    }
    for (let i = missed.length - 1; i >= 0 && !stopped; i--) onMessage(missed[i]);
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
        ch.onDiscontinuity(() => {
          if (!stopped) catchingUp = catchingUp.then(catchUp);
        }),
        ch.presence.subscribe((members) => {
          present.clear();
          for (const m of members) present.add(m.clientId);
          watch.onPresence(members);
        }),
      );
      await ch.attach();
      // Learn what was already said so a restarted agent neither re-answers old turns nor loses context.
      const before = await readHistory(ch, { query: { limit: 200, untilAttach: true }, max: MAX_HISTORY });
      const scan = scanHistory(before.reverse(), { agentId, answerPendingWithinMs, now: Date.now() });
      if (scan.lastSerial > lastSerial) lastSerial = scan.lastSerial;
      for (const id of scan.seenControls) seenControls.add(id);
      for (const id of scan.cancelledTurns) cancelledTurns.add(id);
      for (const id of scan.speakers) speakers.add(id);
      for (const id of scan.seenTurns) seenTurns.add(id);
      for (const ev of scan.conversation) {
        if (ev.type === 'user.message') log.addUser(ev);
        else log.addAnswer(ev.turnId, ev.agentId, ev.text);
      }
      // A message sent just before this agent attached is still waiting for an answer: give it one
      // (or, if it was already cancelled, end it cancelled so every tab sees the outcome).
      for (const ev of scan.questions) questions.set(ev.turnId, ev);
      for (const ev of scan.agentEvents) if (ev.type === 'agent.claim') watch.onClaim(ev);
      else if (ev.agentId === agentId) watch.onResponse(ev);
      for (const ev of scan.unanswered) startTurn(ev);
      await ch.presence.enter({ kind: 'agent', agentId, name: opts.name ?? agentId, instance });
      const members = await ch.presence.get();
      for (const m of members) present.add(m.clientId);
      watch.onPresence(members);
    },
    async stop() {
      stopped = true;
      watch.stop();
      for (const u of unsub) u();
      unsub = [];
      await Promise.all(
        [...running.values()].map(async (t) => {
          await t.end('error', `Agent ${agentId} stopped.`);
          finish(t);
        }),
      );
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
