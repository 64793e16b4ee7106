/**
 * What an agent remembers of the conversation, as a tree: each turn's question, the turn it follows,
 * and each agent's latest finished answer. A turn's transcript is the path from the root to it —
 * never a sibling branch (an edited question's other version) or an older regeneration.
 */
import { isFinalStatus, type AgentResponseEvent, type UserMessageEvent } from '../core/protocol.js';
import type { TranscriptLine } from './agent-types.js';

interface LoggedTurn {
  /** The turn this one follows: `''` for the root. */
  parent: string;
  user?: TranscriptLine;
  /** Each agent's newest answer, in the order the agents first answered. */
  answers: Map<string, TranscriptLine>;
}

/** How many responses written by others the log follows at once (they end, and are dropped, quickly). */
const FOLLOWED = 200;

export class ConversationLog {
  private readonly turns = new Map<string, LoggedTurn>();
  /** Responses others are writing, folded from their appends: text so far and body length, or null after a hole. */
  private readonly following = new Map<string, { text: string; size: number } | null>();
  /** The newest turn in channel order: what a message that names no parent follows. */
  private last = '';

  private turn(turnId: string, parent?: string): LoggedTurn {
    let t = this.turns.get(turnId);
    if (!t) {
      t = { parent: parent ?? this.last, answers: new Map() };
      this.turns.set(turnId, t);
      this.last = turnId;
    } else if (parent !== undefined) t.parent = parent;
    return t;
  }

  /** A question, placed in the tree by its `parent` (or after the newest turn, for older clients). */
  addUser(ev: UserMessageEvent): void {
    const known = this.turns.get(ev.turnId);
    if (known?.user) return;
    const t = this.turn(ev.turnId, ev.parent === undefined ? undefined : (ev.parent ?? ''));
    t.user = { role: 'user', text: ev.text };
  }

  /** A finished answer; a later one from the same agent (a regeneration) replaces it. */
  addAnswer(turnId: string, agentId: string, text: string): void {
    this.turn(turnId).answers.set(agentId, { role: 'agent', text, agentId });
  }

  /**
   * A response event written by someone else (another agent, or another instance of this one): its
   * text is folded from the appends, in order, and logged once it ends. One with a hole in it (a
   * missed append) is left out rather than logged wrong.
   */
  addResponseEvent(ev: AgentResponseEvent): void {
    let f = this.following.get(ev.responseId);
    if (ev.action !== 'message.append') f = { text: ev.text, size: ev.size };
    else if (f && ev.offset === f.size) f = { text: f.text + ev.text, size: f.size + ev.size };
    else if (!f || ev.offset > f.size) f = null;
    if (isFinalStatus(ev.status)) {
      this.following.delete(ev.responseId);
      if (f) this.addAnswer(ev.turnId, ev.agentId, f.text);
      return;
    }
    this.following.set(ev.responseId, f ?? null);
    if (this.following.size > FOLLOWED) this.following.delete(this.following.keys().next().value as string);
  }

  /** The turn's parent, if the log knows the turn. */
  parentOf(turnId: string): string | undefined {
    return this.turns.get(turnId)?.parent;
  }

  /** Every question and answer on the path from the root to this turn, this turn excluded, oldest first. */
  before(turnId: string): TranscriptLine[] {
    const chain: LoggedTurn[] = [];
    const visited = new Set<string>([turnId]);
    let id = this.turns.get(turnId)?.parent ?? this.last;
    // Stops at the root, at a turn older than what was read, or at a cycle a forged parent could make.
    while (id && !visited.has(id)) {
      visited.add(id);
      const t = this.turns.get(id);
      if (!t) break;
      chain.push(t);
      id = t.parent;
    }
    const out: TranscriptLine[] = [];
    for (let i = chain.length - 1; i >= 0; i--) {
      const t = chain[i];
      if (t.user) out.push(t.user);
      for (const a of t.answers.values()) out.push(a);
    }
    return out;
  }
}
