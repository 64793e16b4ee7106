/**
 * Story fixtures: a whole durable session running in the page — an in-process broker, one memory
 * transport per simulated tab, and real agents from `src/agent`. Nothing is mocked: the components
 * under test talk to the same controller, reducer and agent runtime an app uses.
 */
import { createAgent, type Agent, type TurnHandler } from '../../src/agent/create-agent.js';
import { demoHandler, demoTokens } from '../../src/agent/demo/index.js';
import { createSessionController, type SessionController } from '../../src/core/session-controller.js';
import { microtaskScheduler } from '../../src/core/frame-scheduler.js';
import type { ResponseStatus } from '../../src/core/protocol.js';
import { build } from '../../src/core/build-event.js';
import { entryOf, turnStatus, type ResponseEntry } from '../../src/core/session-state.js';
import { createBroker, type Broker } from '../../src/broker/index.js';
import { createMemoryTransport, type MemoryTransport } from '../../src/transports/memory.js';

/** The simulated user; every tab of the world shares this client id, as tabs of one login do. */
export const USER_ID = 'you';

export interface AgentSpec {
  agentId: string;
  /** Display name in presence. Default: the id. */
  name?: string;
  /** Default: the demo agent with the rate options below. */
  handler?: TurnHandler;
  tokensPerSecond?: number;
  tokens?: number;
  thinkMs?: number;
}

export interface DemoWorld {
  readonly broker: Broker;
  readonly sessionId: string;
  /** The transport of simulated tab `n` (created on first use). */
  tab(n: number): MemoryTransport;
  /**
   * Starts an agent on its own connection. `ready` resolves once it is attached and present; `stop`
   * stops it and closes its connection.
   */
  startAgent(spec: AgentSpec): { ready: Promise<void>; stop: () => void; transport: MemoryTransport };
  /** Resolves once an agent with this id has been started and is present (waits for it to be started). */
  agentReady(agentId: string): Promise<void>;
  /** Someone (or another tab) present in the session without any UI; resolves once present. */
  join(member: { clientId?: string; name?: string; device?: string; tabId?: string }): Promise<() => void>;
  /** Sets the added latency on every connection, agents' included. */
  setLatency(ms: number): void;
  /** Sends a message from a headless tab of the same user, as a second device would. */
  send(text: string): Promise<string>;
  /** Cancels a turn from the headless tab. */
  cancel(turnId: string): Promise<void>;
  /** Edits the message of `turnId` from the headless tab (a new branch beside it); returns the new turn's id. */
  edit(turnId: string, text: string): Promise<string>;
  /** Asks `agentId` for another answer to `turnId` from the headless tab (a second version). */
  regenerate(turnId: string, agentId?: string): Promise<void>;
  /** Resolves when a turn's responses have all ended; returns the turn status. */
  settled(turnId: string): Promise<ResponseStatus | 'pending'>;
  /** Resolves once the turn has some text streamed. */
  started(turnId: string): Promise<void>;
}

let worlds = 0;

export function createDemoWorld(opts: { sessionId?: string; latencyMs?: number } = {}): DemoWorld {
  const broker = createBroker();
  const sessionId = opts.sessionId ?? `story-${++worlds}`;
  let latency = opts.latencyMs ?? 0;
  const tabs = new Map<number, MemoryTransport>();
  const connections = new Set<MemoryTransport>();
  let remote: SessionController | null = null;
  const readyWaiters = new Map<string, (() => void)[]>();
  const readyAgents = new Set<string>();

  const connect = (clientId: string) => {
    const t = createMemoryTransport({ broker, clientId, latencyMs: latency });
    connections.add(t);
    return t;
  };

  const remoteController = () => {
    if (!remote) {
      remote = createSessionController({ transport: connect(USER_ID), sessionId, enterPresence: false, scheduler: microtaskScheduler });
      void remote.start();
    }
    return remote;
  };

  const waitFor = (ctrl: SessionController, done: () => boolean) =>
    new Promise<void>((resolve) => {
      if (done()) return resolve();
      const unsubscribe = ctrl.store.subscribe(() => {
        if (!done()) return;
        unsubscribe();
        resolve();
      });
    });

  return {
    broker,
    sessionId,
    tab(n) {
      let t = tabs.get(n);
      if (!t) {
        t = connect(USER_ID);
        tabs.set(n, t);
      }
      return t;
    },
    startAgent(spec) {
      const transport = connect(`agent-${spec.agentId}`);
      const handlerOpts: { tokensPerSecond?: number; tokens?: number; thinkMs?: number } = {};
      if (spec.tokensPerSecond !== undefined) handlerOpts.tokensPerSecond = spec.tokensPerSecond;
      if (spec.tokens !== undefined) handlerOpts.tokens = spec.tokens;
      if (spec.thinkMs !== undefined) handlerOpts.thinkMs = spec.thinkMs;
      const agent: Agent = createAgent({
        transport,
        sessionId,
        agentId: spec.agentId,
        name: spec.name ?? spec.agentId,
        handler: spec.handler ?? demoHandler(handlerOpts),
      });
      const ready = agent.start().then(() => {
        readyAgents.add(spec.agentId);
        for (const w of readyWaiters.get(spec.agentId) ?? []) w();
        readyWaiters.delete(spec.agentId);
      });
      const stop = () => {
        void ready
          .then(() => agent.stop())
          .finally(() => {
            readyAgents.delete(spec.agentId);
            connections.delete(transport);
            void transport.close();
          });
      };
      return { ready, stop, transport };
    },
    agentReady(agentId) {
      if (readyAgents.has(agentId)) return Promise.resolve();
      return new Promise((resolve) => readyWaiters.set(agentId, [...(readyWaiters.get(agentId) ?? []), resolve]));
    },
    async join(member) {
      const { clientId = USER_ID, ...presence } = member;
      const ctrl = createSessionController({ transport: connect(clientId), sessionId, presence, scheduler: microtaskScheduler });
      await ctrl.start();
      return () => void ctrl.stop();
    },
    setLatency(ms) {
      latency = ms;
      for (const t of connections) t.setLatency(ms);
    },
    async send(text) {
      const ctrl = remoteController();
      await ctrl.start();
      const r = await ctrl.send(text);
      if (!r.ok) throw r.error;
      return r.id;
    },
    async cancel(turnId) {
      const r = await remoteController().cancel({ kind: 'turn', turnId });
      if (!r.ok) throw r.error;
    },
    async edit(turnId, text) {
      const ctrl = remoteController();
      await ctrl.start();
      const key = ctrl.store.getState().turns[turnId]?.userKey;
      if (!key) throw new Error(`edit(): the world has no message for turn ${turnId}`);
      const r = await ctrl.edit(key, text);
      if (!r.ok) throw r.error;
      return r.id;
    },
    async regenerate(turnId, agentId = 'demo') {
      const ctrl = remoteController();
      await ctrl.start();
      const s = ctrl.store.getState();
      const answer = (s.turns[turnId]?.responseKeys ?? []).map((k) => entryOf(s, k)).find((e): e is ResponseEntry => e?.kind === 'response' && e.agentId === agentId);
      if (!answer) throw new Error(`regenerate(): ${agentId} has not answered turn ${turnId}`);
      const r = await ctrl.regenerate(answer.responseId);
      if (!r.ok) throw r.error;
    },
    async settled(turnId) {
      const ctrl = remoteController();
      const status = () => turnStatus(ctrl.store.getState(), turnId);
      await waitFor(ctrl, () => {
        const s = status();
        return s === 'complete' || s === 'cancelled' || s === 'error';
      });
      return status() as ResponseStatus;
    },
    async started(turnId) {
      const ctrl = remoteController();
      await waitFor(ctrl, () => {
        const s = ctrl.store.getState();
        return (s.turns[turnId]?.responseKeys ?? []).some((k) => {
          const e = entryOf(s, k);
          return e?.kind === 'response' && e.text.length > 0;
        });
      });
    },
  };
}

/** The exact answer the demo agent gives to `prompt` when nothing interrupts it. */
export function expectedAnswer(prompt: string, tokens: number): string {
  return demoTokens(prompt, tokens).join(' ');
}

/** An agent that streams `words` and then fails, to show the `error` ending. */
export function failingHandler(words: string[], message: string): TurnHandler {
  return async (turn) => {
    for (const w of words) {
      if (turn.signal.aborted) return;
      turn.write(turn.text ? ` ${w}` : w);
      await new Promise((r) => setTimeout(r, 5));
    }
    await turn.end('error', message);
  };
}

/** An agent that streams a fixed text, word by word. */
export function scriptedHandler(text: string, tokensPerSecond = 200): TurnHandler {
  const words = text.split(/(?<=\s)/);
  return async (turn) => {
    for (const w of words) {
      if (turn.signal.aborted) return;
      turn.write(w);
      await new Promise((r) => setTimeout(r, 1000 / tokensPerSecond));
    }
  };
}

/**
 * A world whose history already holds finished turns — complete, cancelled, failed — answered by
 * real agents, so a story can open on settled states without driving them first.
 */
export async function seededWorld(
  turns: { prompt: string; agent: AgentSpec; outcome?: 'complete' | 'cancelled' }[],
  opts: { sessionId?: string } = {},
): Promise<DemoWorld> {
  const world = createDemoWorld(opts);
  for (const t of turns) {
    const agent = world.startAgent(t.agent);
    // The agent answers only messages published after it attached.
    await agent.ready;
    const turnId = await world.send(t.prompt);
    if (t.outcome === 'cancelled') {
      await world.started(turnId);
      await world.cancel(turnId);
    }
    await world.settled(turnId);
    agent.stop();
  }
  return world;
}

/** A first message and an edit of it, each answered by an agent: two branches at one point. */
export async function editedWorld(prompt: string, edited: string, agent: AgentSpec): Promise<DemoWorld> {
  const world = createDemoWorld();
  const a = world.startAgent(agent);
  await a.ready;
  const first = await world.send(prompt);
  await world.settled(first);
  await world.settled(await world.edit(first, edited));
  a.stop();
  return world;
}

/** The question and the answer of seeded turn `i` (see {@link seedHistory}). */
export const seededQuestion = (i: number) => `Question ${i + 1}`;
export const seededAnswer = (i: number) => `Answer ${i + 1}.`;

/**
 * Writes `turns` finished turns (a question from the user, a complete answer from `demo`) straight
 * into the world's broker, as a long-lived session's history: far faster than having an agent answer
 * hundreds of turns, and read by the tabs exactly as history written live.
 */
export function seedHistory(world: DemoWorld, turns: number): void {
  const log = world.broker.channel(world.sessionId);
  for (let i = 0; i < turns; i++) {
    const turnId = `seeded-${i}`;
    const head = { responseId: `seeded-answer-${i}`, agentId: 'demo', turnId };
    log.create(build.userMessage(turnId, seededQuestion(i)), { clientId: USER_ID });
    const serial = log.create(build.responseCreate({ ...head, status: 'streaming' }), { clientId: 'agent-demo' });
    log.append(serial, { data: seededAnswer(i), headers: build.responseHeaders({ ...head, status: 'complete', offset: 0 }) }, { clientId: 'agent-demo' });
  }
}
