import { createAgent, type Agent, type AgentOptions, type Turn, type TurnRecord } from '../../src/agent/index.js';
import { createBroker, type Broker } from '../../src/broker/index.js';
import { createMemoryTransport, type MemoryTransport } from '../../src/transports/memory.js';
import { client } from '../helpers/session-fixture.js';
import { until } from '../helpers/until.js';

export interface HandDrivenAgent {
  agent: Agent;
  transport: MemoryTransport;
  /** Turns the handler was given, in arrival order. */
  turns: Turn[];
  records: TurnRecord[];
  /** Turn ids whose signal fired while the handler was running. */
  aborted: string[];
  /** Lets the handler of `turnId` return, so the turn ends `complete`. */
  finish(turnId: string): void;
}

/**
 * A real agent whose handler does nothing by itself: the test writes through `turns[i].write()` and
 * decides when each turn ends. Every write is its own append (maxChars 1), so nothing waits on a timer.
 */
export function handDrivenAgent(broker: Broker, sessionId: string, opts: Partial<AgentOptions> & { agentId?: string } = {}): HandDrivenAgent {
  const transport = createMemoryTransport({ broker, clientId: opts.agentId ?? 'agent' });
  const turns: Turn[] = [];
  const records: TurnRecord[] = [];
  const aborted: string[] = [];
  const finishers = new Map<string, () => void>();
  const agent = createAgent({
    transport,
    sessionId,
    agentId: opts.agentId ?? 'agent',
    batch: { intervalMs: 1, maxChars: 1 },
    ...opts,
    onTurnEnd: (r) => {
      records.push(r);
      opts.onTurnEnd?.(r);
    },
    handler: (turn) =>
      new Promise<void>((resolve) => {
        turns.push(turn);
        turn.signal.addEventListener('abort', () => {
          aborted.push(turn.turnId);
          resolve();
        });
        finishers.set(turn.turnId, resolve);
      }),
  });
  return { agent, transport, turns, records, aborted, finish: (turnId) => finishers.get(turnId)?.() };
}

/**
 * The common opening: a hand-driven agent and alice in session `s` (on `broker`, or a new one),
 * alice has sent `prompt`, and the agent's turn for it has started.
 */
/** A hand-driven agent and two open tabs (alice, bob) on session `s`: the setup of the control suites. */
export async function agentAndTwoTabs(broker: Broker = createBroker()) {
  const h = handDrivenAgent(broker, 's');
  await h.agent.start();
  const alice = client(broker, 'alice', 's');
  const bob = client(broker, 'bob', 's');
  await Promise.all([alice.ctrl.acquire(), bob.ctrl.acquire()]);
  return { broker, h, alice, bob };
}

export async function aliceAsks(prompt = 'q', broker: Broker = createBroker()) {
  const h = handDrivenAgent(broker, 's');
  await h.agent.start();
  const alice = client(broker, 'alice', 's');
  await alice.ctrl.acquire();
  await alice.ctrl.send(prompt);
  const turn = await until(() => h.turns[0], 'the turn', { ok: (t) => t !== undefined });
  return { broker, h, alice, turn };
}
