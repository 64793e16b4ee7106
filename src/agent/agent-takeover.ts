/**
 * How an agent takes over turns another instance of it left unfinished, and answers retries: read
 * the orphan from history, claim it, then continue it, restart it, or end it as a cancel asked.
 */
import { DurableSessionError, toSessionError } from '../core/errors.js';
import { EventName, Header, type RetryEvent, type SessionEvent, type UserMessageEvent } from '../core/protocol.js';
import { readHistory } from '../core/read-history.js';
import type { RecentMap } from '../core/recent.js';
import type { TransportChannel } from '../core/transport.js';
import type { AgentOptions } from './agent-types.js';
import { TakeoverWatch } from './takeover.js';
import { scanTakeover, type Orphan } from './takeover-scan.js';
import type { TurnWriter } from './turn-writer.js';

export interface TakeoverContext {
  agentId: string;
  instance: string;
  channel: TransportChannel;
  mode: NonNullable<AgentOptions['takeover']>;
  graceMs: number;
  maxHistory?: number;
  questions: RecentMap<string, UserMessageEvent>;
  running: ReadonlyMap<string, TurnWriter>;
  seenTurns: Set<string>;
  isStopped: () => boolean;
  /** Whether the agent's control policy obeys this control. */
  obeys: (ev: SessionEvent) => boolean;
  /** A writer for a response to `ev`, its transcript the path to the turn. */
  newTurn: (ev: UserMessageEvent, responseId?: string) => TurnWriter;
  runTurn: (turn: TurnWriter) => void;
  onError: (e: DurableSessionError) => void;
  onTakeover?: AgentOptions['onTakeover'];
}

export function agentTakeover(ctx: TakeoverContext): { watch: TakeoverWatch; retry: (ev: RetryEvent) => Promise<void> } {
  /**
   * Reads what the session holds of a response another instance left unfinished. Returns the scan, or
   * undefined (reported) when it cannot be taken: history failed, or the question is unknown.
   */
  const readOrphan = async (o: Orphan) => {
    try {
      const read = await readHistory(ctx.channel, { max: ctx.maxHistory ?? 2000, reached: (m) => m.name === EventName.UserMessage && m.headers?.[Header.Turn] === o.turnId });
      return scanTakeover(read, o, ctx.agentId, ctx.obeys);
    } catch (e) {
      ctx.onError(toSessionError(e, `Agent ${ctx.agentId} could not read response ${o.responseId} to take it over`));
      return undefined;
    }
  };

  /** Ends an orphan durably (`interrupted` or `cancelled`) from its current body. */
  const settleOrphan = (o: Orphan, body: string, user: UserMessageEvent, status: 'interrupted' | 'cancelled'): Promise<void> => {
    const t = ctx.newTurn(user, o.responseId);
    t.adopt(o.serial, body);
    return t.end(status);
  };

  const takeOver = async (o: Orphan) => {
    const scan = await readOrphan(o);
    if (!scan || scan.final || scan.body === undefined || ctx.isStopped() || ctx.running.has(o.turnId)) return;
    const user = scan.user ?? ctx.questions.get(o.turnId);
    if (!user) return ctx.onError(new DurableSessionError('invalid_state', `Agent ${ctx.agentId} cannot take over ${o.responseId}: its question is no longer in history.`));
    ctx.onTakeover?.({ turnId: o.turnId, responseId: o.responseId, from: o.instance, cancelled: scan.cancelled });
    ctx.seenTurns.add(o.turnId);
    if (scan.cancelled) return settleOrphan(o, scan.body, user, 'cancelled');
    if (ctx.mode === 'restart') {
      await settleOrphan(o, scan.body, user, 'interrupted');
      const fresh = ctx.newTurn(user);
      fresh.reason = 'takeover';
      void fresh.open('streaming');
      return ctx.runTurn(fresh);
    }
    const turn = ctx.newTurn(user, o.responseId);
    turn.adopt(o.serial, scan.body);
    turn.reason = 'takeover';
    for (const st of scan.steers) turn.steers.push(st);
    for (const d of scan.decisions) turn.decide({ toolCallId: d.toolCallId, approved: d.approved, ...(d.clientId ? { clientId: d.clientId } : {}), ...(d.reason !== undefined ? { reason: d.reason } : {}) });
    ctx.runTurn(turn);
  };

  const watch = new TakeoverWatch({
    agentId: ctx.agentId,
    instance: ctx.instance,
    channel: ctx.channel,
    graceMs: ctx.graceMs,
    enabled: ctx.mode !== 'off',
    onWon: (o) => void takeOver(o),
    onError: ctx.onError,
  });

  /** A new response to a turn this agent answered: for a retry, first settle an orphan it replaces. */
  const retry = async (ev: RetryEvent) => {
    const user = ctx.questions.get(ev.turnId);
    if (!user || ctx.isStopped() || ctx.running.has(ev.turnId)) return;
    const orphan = watch.orphan(ev.responseId);
    if (orphan) {
      const scan = await readOrphan(orphan);
      if (scan?.body !== undefined && !scan.final) await settleOrphan(orphan, scan.body, user, 'interrupted');
    }
    const turn = ctx.newTurn(user);
    turn.reason = ev.mode;
    void turn.open('streaming');
    ctx.runTurn(turn);
  };

  return { watch, retry };
}
