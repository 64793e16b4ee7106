/**
 * Selectors over the agents' answers: the versions of an answer, what each agent is doing, and the
 * tool calls in the responses (the one waiting for a decision among them).
 */
import type { ToolCallPart } from './parts.js';
import type { AgentState } from './protocol.js';
import { entriesOf, entryOf, selectResponse, type ResponseEntry, type SessionState } from './session-state.js';

/** Each agent's answers to a turn (response keys), oldest first, in the order the agents first answered. */
export function versionsByAgent(s: SessionState, turnId: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const k of s.turns[turnId]?.responseKeys ?? []) {
    const e = entryOf(s, k);
    if (e?.kind !== 'response') continue;
    const list = out.get(e.agentId);
    if (list) list.push(k);
    else out.set(e.agentId, [k]);
  }
  // Channel order: an older version backfilled after a newer one still comes first.
  for (const list of out.values()) list.sort();
  return out;
}

/** Every response an agent gave to a turn, oldest first: the versions a UI pages through ("2 / 3"). */
export function selectVersions(s: SessionState, responseId: string): ResponseEntry[] {
  const r = selectResponse(s, responseId);
  return r ? (entriesOf(s, versionsByAgent(s, r.turnId).get(r.agentId) ?? []) as ResponseEntry[]) : [];
}

/** Responses still streaming, in channel order. They are all in the small `live` record. */
function streaming(s: SessionState): ResponseEntry[] {
  return Object.keys(s.live)
    .sort()
    .map((k) => s.live[k])
    .filter((e) => e.status === 'streaming');
}

/**
 * What each agent is doing, derived from the thread: `thinking` while its response has no text yet,
 * `streaming` while it writes, otherwise its last reported `agent.status` (or `idle`). Derived rather
 * than published, so it costs no channel traffic and cannot disagree with the responses shown.
 */
export function selectAgentActivity(s: SessionState): Record<string, AgentState> {
  const out: Record<string, AgentState> = {};
  for (const id in s.agents) out[id] = s.agents[id].state;
  // Channel order, so the newest of an agent's streaming responses decides.
  for (const e of streaming(s)) out[e.agentId] = e.text.length === 0 ? 'thinking' : 'streaming';
  return out;
}

/** A tool call and the response holding it, found by its id (newest responses first). */
export function selectToolCall(s: SessionState, toolCallId: string): { response: ResponseEntry; part: ToolCallPart } | undefined {
  for (let i = s.order.length - 1; i >= 0; i--) {
    const e = entryOf(s, s.order[i]);
    if (e?.kind !== 'response') continue;
    for (const p of e.parts) if (p.type === 'tool-call' && p.toolCallId === toolCallId) return { response: e, part: p };
  }
  return undefined;
}

/** Tool calls waiting for a person's decision, oldest first, in responses that are still running. */
export function selectPendingApprovals(s: SessionState): { response: ResponseEntry; part: ToolCallPart }[] {
  const out: { response: ResponseEntry; part: ToolCallPart }[] = [];
  // Only running responses can wait for a decision.
  for (const e of streaming(s)) for (const p of e.parts) if (p.type === 'tool-call' && p.state === 'awaiting-approval') out.push({ response: e, part: p });
  return out;
}
