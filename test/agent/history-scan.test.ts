import { describe, expect, it } from 'vitest';
import { scanHistory } from '../../src/agent/history-scan.js';
import { build } from '../../src/core/build-event.js';
import type { OutgoingMessage, WireMessage } from '../../src/core/protocol.js';

let n = 0;
/** A message as history returns it: aggregated, with a serial in channel order. */
function msg(o: OutgoingMessage, opts: { clientId?: string; at?: number; data?: unknown } = {}): WireMessage {
  const serial = `01700000000000-${String(++n).padStart(3, '0')}@t:0`;
  const m: WireMessage = { serial, version: serial, action: 'message.create', name: o.name, data: opts.data ?? o.data, headers: o.headers ?? {}, timestamp: opts.at ?? 1_000 };
  if (opts.clientId !== undefined) m.clientId = opts.clientId;
  return m;
}
const answer = (turnId: string, agentId: string, text: string) =>
  msg({ ...build.responseCreate({ responseId: `r-${turnId}-${agentId}`, agentId, turnId, status: 'complete' }) }, { data: text });

describe('scanHistory', () => {
  const opts = { agentId: 'a', answerPendingWithinMs: 60_000, now: 10_000 };

  it('leaves answered and old turns alone, queues recent unanswered ones, and keeps the conversation in order', () => {
    const history = [
      msg(build.userMessage('t1', 'first'), { clientId: 'alice', at: 1_000 }),
      answer('t1', 'a', 'one'),
      msg(build.userMessage('t2', 'answered by someone else only'), { clientId: 'bob', at: 2_000 }),
      answer('t2', 'b', 'two'),
      { ...msg(build.userMessage('bad', 'x')), headers: {} },
    ];
    const scan = scanHistory(history, opts);
    expect(scan.seenTurns).toEqual(['t1']);
    expect(scan.unanswered.map((u) => u.turnId)).toEqual(['t2']);
    expect(scan.speakers).toEqual(['alice', 'bob']);
    // Every question (answered or not) and every finished answer: the agent's log places them in the tree.
    expect(scan.conversation.map((e) => (e.type === 'user.message' ? `${e.turnId}: ${e.text}` : `${e.agentId}: ${e.text}`))).toEqual([
      't1: first',
      'a: one',
      't2: answered by someone else only',
      'b: two',
    ]);
    expect(scan.lastSerial).toBe(history[3].serial);
  });

  it('does not answer messages older than the window, or any when the window is 0', () => {
    const history = [msg(build.userMessage('old', 'hello'), { at: 1_000 })];
    expect(scanHistory(history, { ...opts, now: 1_000 + 60_001 }).unanswered).toEqual([]);
    expect(scanHistory(history, { ...opts, answerPendingWithinMs: 0 }).unanswered).toEqual([]);
    expect(scanHistory(history, opts).unanswered.map((u) => u.turnId)).toEqual(['old']);
  });

  it('remembers cancels: a turn cancel by id, and stop-everything or this agent for the turns waiting before it', () => {
    const history = [
      msg(build.userMessage('w1', 'waiting'), { at: 5_000 }),
      msg(build.cancel('c1', { kind: 'all' })),
      msg(build.userMessage('w2', 'after the stop'), { at: 6_000 }),
      msg(build.cancel('c2', { kind: 'agent', agentId: 'someone-else' })),
      msg(build.cancel('c3', { kind: 'turn', turnId: 'future' })),
      msg(build.steer('s1', 'shorter', { kind: 'all' })),
    ];
    const scan = scanHistory(history, opts);
    expect(scan.cancelledTurns).toEqual(['w1', 'future']);
    expect(scan.seenControls).toEqual(['c:c1', 'c:c2', 'c:c3', 's:s1']);
    expect(scan.unanswered.map((u) => u.turnId)).toEqual(['w1', 'w2']);
  });
});
