// What an agent tells its handler came before: the path through the conversation tree, with every
// agent's finished answers folded from their appends.
import { describe, expect, it } from 'vitest';
import { ConversationLog } from '../../src/agent/conversation-log.js';
import { createAgent } from '../../src/agent/index.js';
import type { AgentResponseEvent, UserMessageEvent } from '../../src/core/protocol.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { client, createBroker, responses } from '../helpers/session-fixture.js';
import { until } from '../helpers/until.js';

let n = 0;
const base = () => {
  const serial = `s${String(++n).padStart(4, '0')}`;
  return { serial, version: serial, timestamp: 0 };
};
const user = (turnId: string, text: string, parent?: string | null): UserMessageEvent => ({ ...base(), action: 'message.create', type: 'user.message', turnId, text, ...(parent !== undefined ? { parent } : {}) });
const response = (turnId: string, action: AgentResponseEvent['action'], text: string, offset: number, status: AgentResponseEvent['status'] = 'streaming'): AgentResponseEvent => ({
  ...base(),
  action,
  type: 'agent.response',
  responseId: `r-${turnId}`,
  agentId: 'other',
  turnId,
  status,
  offset,
  text,
  segments: [],
  size: text.length,
});

describe('ConversationLog', () => {
  it('gives a turn the path from the root, never a sibling branch, with the newest answer of each agent', () => {
    const log = new ConversationLog();
    log.addUser(user('t1', 'one', null));
    log.addAnswer('t1', 'a', 'first answer');
    log.addAnswer('t1', 'a', 'regenerated answer');
    log.addUser(user('t2', 'two', 't1'));
    log.addAnswer('t2', 'a', 'answer two');
    log.addUser(user('t2b', 'two, edited', 't1'));
    log.addUser(user('t3', 'three'));
    expect(log.before('t2b').map((l) => l.text)).toEqual(['one', 'regenerated answer']);
    // A message naming no parent (an older client) follows the newest turn.
    expect(log.before('t3').map((l) => l.text)).toEqual(['one', 'regenerated answer', 'two, edited']);
    expect(log.before('t1')).toEqual([]);
  });

  it("folds another writer's appends in order, skips duplicates, and leaves out an answer with a hole", () => {
    const log = new ConversationLog();
    log.addUser(user('t1', 'q1', null));
    log.addResponseEvent(response('t1', 'message.create', '', 0));
    log.addResponseEvent(response('t1', 'message.append', 'Hello', 0));
    log.addResponseEvent(response('t1', 'message.append', 'Hello', 0));
    log.addResponseEvent(response('t1', 'message.append', ' world', 5, 'complete'));
    log.addUser(user('t2', 'q2', 't1'));
    log.addResponseEvent(response('t2', 'message.create', '', 0));
    log.addResponseEvent(response('t2', 'message.append', 'lost', 3, 'complete'));
    log.addUser(user('t3', 'q3', 't2'));
    expect(log.before('t3')).toEqual([
      { role: 'user', text: 'q1' },
      { role: 'agent', text: 'Hello world', agentId: 'other' },
      { role: 'user', text: 'q2' },
    ]);
  });

  it('cannot loop on a forged cycle of parents', () => {
    const log = new ConversationLog();
    log.addUser(user('a', 'a', 'b'));
    log.addUser(user('b', 'b', 'a'));
    expect(log.before('a').map((l) => l.text)).toEqual(['b']);
  });

  it("live, each agent's transcript holds the other agents' finished answers", async () => {
    const broker = createBroker();
    const seen = new Map<string, string[]>();
    for (const agentId of ['assistant', 'reviewer']) {
      const agent = createAgent({
        transport: createMemoryTransport({ broker, clientId: agentId }),
        sessionId: 's',
        agentId,
        batch: { intervalMs: 1, maxChars: 4 },
        handler: async (turn) => {
          seen.set(`${agentId}:${turn.input.text}`, turn.transcript.map((l) => `${l.agentId ?? 'user'}: ${l.text}`));
          turn.write(`${agentId} on ${turn.input.text}`);
        },
      });
      await agent.start();
    }
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('one');
    await until(() => responses(alice.ctrl.store.getState()).filter((r) => r.status === 'complete').length, 'both answers', { ok: (k) => k === 2 });
    await alice.ctrl.send('two');
    await until(() => responses(alice.ctrl.store.getState()).filter((r) => r.status === 'complete').length, 'four answers', { ok: (k) => k === 4 });
    for (const agentId of ['assistant', 'reviewer']) {
      expect([...(seen.get(`${agentId}:two`) ?? [])].sort()).toEqual(['assistant: assistant on one', 'reviewer: reviewer on one', 'user: one']);
    }
  });
});
