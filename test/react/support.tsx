import { act, cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';
import { createAgent, type Agent, type Turn, type TurnRecord } from '../../src/agent/index.js';
import type { Broker } from '../../src/broker/index.js';
import { build, type FrameScheduler, type SessionController, type TransportChannel, type WireMessage } from '../../src/core/index.js';
import { createMemoryTransport, type MemoryTransport } from '../../src/transports/memory.js';
import { settle, until } from '../helpers/until.js';

// Waits here are for events, never for elapsed time; the long limit only turns a hang into a failure.
configure({ asyncUtilTimeout: 15_000 });
// Vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(cleanup);

/**
 * A stand-in for requestAnimationFrame that the test drives: callbacks queue until {@link tick}
 * runs them (inside `act`), so "once per frame" becomes something we can count.
 */
export function fakeFrames() {
  const queue = new Set<() => void>();
  let ticked = 0;
  const scheduler: FrameScheduler = (cb) => {
    queue.add(cb);
    return () => {
      queue.delete(cb);
    };
  };
  return {
    scheduler,
    /** Frames ticked so far. */
    get count() {
      return ticked;
    },
    /** Callbacks waiting for the next frame. */
    get pending() {
      return queue.size;
    },
    /** Runs one frame: every queued callback, then React's render. */
    tick() {
      act(() => {
        ticked++;
        const due = [...queue];
        queue.clear();
        for (const cb of due) cb();
      });
    },
  };
}

/** Counts calls to a channel's methods by wrapping the real object; behaviour is unchanged. */
export function countChannelCalls(ch: TransportChannel) {
  const counts = { attach: 0, detach: 0, subscribe: 0, enter: 0, leave: 0 };
  const attach = ch.attach.bind(ch);
  const detach = ch.detach.bind(ch);
  const subscribe = ch.subscribe.bind(ch);
  const enter = ch.presence.enter;
  const leave = ch.presence.leave;
  ch.attach = () => {
    counts.attach++;
    return attach();
  };
  ch.detach = () => {
    counts.detach++;
    return detach();
  };
  ch.subscribe = (l: (m: WireMessage) => void) => {
    counts.subscribe++;
    return subscribe(l);
  };
  ch.presence.enter = (d) => {
    counts.enter++;
    return enter(d);
  };
  ch.presence.leave = () => {
    counts.leave++;
    return leave();
  };
  return counts;
}

export interface HandAgent {
  agent: Agent;
  transport: MemoryTransport;
  /** Records of finished turns, in order. */
  records: TurnRecord[];
  /** The next turn the agent starts (or one already started and not yet taken). */
  nextTurn(): Promise<Turn>;
  /** Lets the handler of `turn` return, so the runtime ends the response `complete`. */
  finish(turn: Turn): void;
  /** Resolves with the record of `turnId` once the runtime ended that turn. */
  record(turnId: string): Promise<TurnRecord>;
  /**
   * Publishes a marker from the agent's own connection and resolves with its id. Everything the agent
   * published earlier reaches a subscriber first, so once a client shows the marker (see
   * {@link sawMarker}) nothing earlier can still arrive.
   */
  barrier(): Promise<string>;
}

/**
 * An agent whose handler the test drives: it waits until the test writes and finishes (or a cancel
 * aborts it). Every write becomes its own append, so each token is one channel event.
 */
export async function startHandAgent(broker: Broker, sessionId: string, agentId = 'writer'): Promise<HandAgent> {
  const started: Turn[] = [];
  const takers: ((t: Turn) => void)[] = [];
  const releases = new Map<string, () => void>();
  const records: TurnRecord[] = [];
  const recordWaiters = new Map<string, (r: TurnRecord) => void>();
  const transport = createMemoryTransport({ broker, clientId: agentId });
  const agent = createAgent({
    transport,
    sessionId,
    agentId,
    batch: { intervalMs: 0, maxChars: 1 },
    handler: (turn) =>
      new Promise<void>((resolve) => {
        releases.set(turn.turnId, resolve);
        turn.signal.addEventListener('abort', () => resolve());
        const taker = takers.shift();
        if (taker) taker(turn);
        else started.push(turn);
      }),
    onTurnEnd: (r) => {
      records.push(r);
      recordWaiters.get(r.turnId)?.(r);
    },
  });
  await agent.start();
  let marks = 0;
  return {
    agent,
    transport,
    records,
    nextTurn: () => {
      const t = started.shift();
      return t ? Promise.resolve(t) : new Promise<Turn>((resolve) => takers.push(resolve));
    },
    finish: (turn) => releases.get(turn.turnId)?.(),
    record: (turnId) => {
      const done = records.find((r) => r.turnId === turnId);
      return done ? Promise.resolve(done) : new Promise((resolve) => recordWaiters.set(turnId, resolve));
    },
    barrier: async () => {
      const marker = `barrier-${++marks}`;
      await transport.channel(sessionId).publish(build.agentStatus(agentId, 'idle', marker));
      return marker;
    },
  };
}

/** Whether the controller has applied the agent's barrier `marker`. */
export function sawMarker(ctrl: SessionController, agentId: string, marker: string): boolean {
  return ctrl.store.getState().agents[agentId]?.turnId === marker;
}

/** Names of every message the broker holds for a session, oldest first. */
export function eventNames(broker: Broker, sessionId: string): string[] {
  return broker
    .channel(sessionId)
    .history({ direction: 'forwards', limit: 1000 })
    .items.map((m) => m.name);
}

/**
 * Waits for `predicate` with {@link until}, ticking a frame whenever one is queued and letting the
 * transport's queued deliveries run (inside `act`) between checks.
 */
export async function tickUntil(predicate: () => boolean, what: string, frames?: { pending: number; tick(): void }): Promise<void> {
  await until(
    async () => {
      if (frames && frames.pending > 0) frames.tick();
      if (predicate()) return true;
      await act(() => settle(1));
      return false;
    },
    what,
    { timeoutMs: 15_000 },
  );
}

/** Seeds `pairs` finished turns (a user message and a complete response each) straight into the broker. */
export function seedThread(broker: Broker, sessionId: string, pairs: number, agentId = 'writer'): { responseIds: string[] } {
  const log = broker.channel(sessionId);
  const responseIds: string[] = [];
  for (let i = 0; i < pairs; i++) {
    const turnId = `seed-turn-${i}`;
    const responseId = `seed-resp-${i}`;
    log.create(build.userMessage(turnId, `question ${i}`), { clientId: 'alice' });
    const head = { responseId, agentId, turnId };
    const serial = log.create({ name: 'agent.response', data: '', headers: build.responseHeaders({ ...head, status: 'streaming' }) }, { clientId: agentId });
    log.append(serial, { data: `answer ${i}`, headers: build.responseHeaders({ ...head, status: 'complete', offset: 0 }) }, { clientId: agentId });
    responseIds.push(responseId);
  }
  return { responseIds };
}
