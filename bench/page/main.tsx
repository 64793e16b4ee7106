// The bench page: the same token stream rendered through durable-sessions (DurableChat over the
// memory transport, an in-page broker and agent) and through the Vercel AI SDK's useChat (a custom
// ChatTransport stream), plus provider mount/unmount cycles. Driven by bench/sections/render.mjs.
import { Profiler, memo, useState, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport, type ChatTransport, type UIMessage, type UIMessageChunk } from 'ai';
import { createDurableChatTransport } from '../../src/ai-sdk/index.js';
import { build, createSessionController, entryOf, type SessionController } from '../../src/core/index.js';
import { DurableSessionProvider } from '../../src/react/index.js';
import { DurableChat } from '../../src/components/index.js';
import { createBroker } from '../../src/broker/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { createAgent, allowAnyControl } from '../../src/agent/index.js';

const WORDS = 'durable sessions keep every token safe while tabs reload and networks blink so the answer arrives once'.split(' ');
const word = (i: number) => (i === 0 ? '' : ' ') + WORDS[i % WORDS.length];
const answer = (i: number) => Array.from({ length: 60 }, (_, k) => word(k + i)).join('');

/** Calls `emit(n)` with the tokens due so far, at `rate` tokens/s, until `total`; the same for both sides. */
function tokenSource(total: number, rate: number, emit: (from: number, to: number) => void): Promise<void> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let sent = 0;
    const step = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000));
      if (due > sent) {
        emit(sent, due);
        sent = due;
      }
      if (sent >= total) resolve();
      else setTimeout(step, 1);
    };
    step();
  });
}

interface Probe {
  commits: number;
  frames: number;
  commitsInFrame: number;
  maxCommitsPerFrame: number;
  framesWithMultipleCommits: number;
  longTasks: number;
  longTaskMs: number;
  renders: number;
  finishedRenders: number;
  renderedNames: Record<string, number>;
}

const FUNCTION_TAGS = new Set([0, 1, 11, 14, 15]);
let probe: Probe | null = null;
let countRenders = false;
let finishedKeys = new Set<string>();
const seenStart = new WeakMap<object, number>();

type Fiber = { tag: number; flags: number; actualStartTime?: number; key: string | null; type: any; child: Fiber | null; sibling: Fiber | null; return: Fiber | null };

function nameOf(f: Fiber): string {
  const t = f.type;
  return t?.displayName ?? t?.name ?? t?.type?.displayName ?? t?.type?.name ?? t?.render?.name ?? 'anonymous';
}

function insideFinished(f: Fiber): boolean {
  for (let p: Fiber | null = f; p; p = p.return) if (p.key !== null && finishedKeys.has(p.key)) return true;
  return false;
}

let lastRoot: { current: Fiber } | null = null;

/** Records every mounted fiber's last render, so only renders after this point are counted. */
function primeRenderCount() {
  if (!lastRoot) return;
  const stack: Fiber[] = [lastRoot.current];
  while (stack.length) {
    const f = stack.pop()!;
    seenStart.set(f, f.actualStartTime ?? 0);
    if (f.sibling) stack.push(f.sibling);
    if (f.child) stack.push(f.child);
  }
}

(window as any).__benchOnCommit = (root: { current: Fiber }) => {
  lastRoot = root;
  if (!probe || !countRenders) return;
  const stack: Fiber[] = [root.current];
  while (stack.length) {
    const f = stack.pop()!;
    if (FUNCTION_TAGS.has(f.tag) && (f.flags & 1) === 1 && seenStart.get(f) !== f.actualStartTime) {
      seenStart.set(f, f.actualStartTime ?? 0);
      probe.renders++;
      const n = nameOf(f);
      probe.renderedNames[n] = (probe.renderedNames[n] ?? 0) + 1;
      if (insideFinished(f)) probe.finishedRenders++;
    }
    if (f.sibling) stack.push(f.sibling);
    if (f.child) stack.push(f.child);
  }
};

function onRender() {
  if (!probe) return;
  probe.commits++;
  probe.commitsInFrame++;
}

function startProbe(): () => Probe {
  if (countRenders) primeRenderCount();
  const p: Probe = { commits: 0, frames: 0, commitsInFrame: 0, maxCommitsPerFrame: 0, framesWithMultipleCommits: 0, longTasks: 0, longTaskMs: 0, renders: 0, finishedRenders: 0, renderedNames: {} };
  probe = p;
  let live = true;
  const frame = () => {
    if (!live) return;
    p.frames++;
    p.maxCommitsPerFrame = Math.max(p.maxCommitsPerFrame, p.commitsInFrame);
    if (p.commitsInFrame > 1) p.framesWithMultipleCommits++;
    p.commitsInFrame = 0;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      p.longTasks++;
      p.longTaskMs += e.duration;
    }
  });
  obs.observe({ type: 'longtask' });
  return () => {
    live = false;
    obs.disconnect();
    probe = null;
    return p;
  };
}

let root: Root | null = null;
function mount(node: ReactNode) {
  root?.unmount();
  root = createRoot(document.getElementById('root')!);
  root.render(
    <Profiler id="bench" onRender={onRender}>
      {node}
    </Profiler>,
  );
}

/** Lets the driver read Chromium's main-thread counters at the edges of the measured window. */
const mark = async (name: string) => {
  const f = (window as any).benchMark;
  if (typeof f === 'function') await f(name);
};
const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
async function waitFor(pred: () => boolean, what: string, ms = 30_000) {
  const end = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface RunOptions {
  thread: number;
  tokens: number;
  rate: number;
  counting: boolean;
  /** Agent append batching; `maxChars: 1` sends one append per token. */
  batch?: { intervalMs?: number; maxChars?: number };
  /** Also stream a tool call's input, a piece with every token, in the same response. */
  toolCall?: boolean;
}

async function seedOurs(broker: ReturnType<typeof createBroker>, sessionId: string, thread: number) {
  const ch = createMemoryTransport({ broker, clientId: 'seed' }).channel(sessionId);
  await ch.attach();
  for (let i = 0; i < thread / 2; i++) {
    await ch.publish(build.userMessage(`t${i}`, `question ${i}`));
    await ch.publish({ name: 'agent.response', data: answer(i), headers: build.responseHeaders({ responseId: `r${i}`, agentId: 'bench', turnId: `t${i}`, status: 'complete', offset: 0 }) });
  }
}

async function runOurs(o: RunOptions) {
  const broker = createBroker();
  const sessionId = `bench-${Math.random().toString(36).slice(2)}`;
  await seedOurs(broker, sessionId, o.thread);
  let emitTo: ((from: number, to: number) => void) | null = null;
  let streamDone: Promise<void> = Promise.resolve();
  const agent = createAgent({
    transport: createMemoryTransport({ broker, clientId: 'agent' }),
    sessionId,
    agentId: 'bench',
    authorizeControl: allowAnyControl,
    ...(o.batch ? { batch: o.batch } : {}),
    handler: (turn) => {
      // The tool call's input grows with the text, so both change in every batch the tab applies.
      const call = o.toolCall ? turn.toolCall({ toolName: 'search' }) : null;
      call?.inputDelta('{"q":"');
      streamDone = tokenSource(o.tokens, o.rate, (from, to) => {
        for (let i = from; i < to; i++) {
          turn.write(word(i));
          call?.inputDelta(word(i));
        }
      }).then(() => {
        call?.inputDelta('"}');
        call?.output({ hits: o.tokens });
      });
      return streamDone;
    },
  });
  await agent.start();
  // The whole seeded thread on screen (one history page of up to 1000 messages): this run measures
  // streaming into a long thread, not paging.
  const ctrl: SessionController = createSessionController({ transport: createMemoryTransport({ broker, clientId: 'user' }), sessionId, historyPageSize: 1000 });
  mount(
    <DurableSessionProvider sessionId={sessionId} transport={() => { throw new Error('unused'); }} controller={ctrl}>
      <DurableChat label="Bench chat" />
    </DurableSessionProvider>,
  );
  await waitFor(() => document.querySelectorAll('[data-ds-message]').length === o.thread, 'thread hydrated');
  await nextFrame();
  await nextFrame();
  finishedKeys = new Set(ctrl.store.getState().order);
  const expected = Array.from({ length: o.tokens }, (_, i) => word(i)).join('');
  countRenders = o.counting;
  await mark('start');
  const stop = startProbe();
  const t0 = performance.now();
  void ctrl.send('go');
  await waitFor(() => {
    if (document.querySelectorAll('[data-ds-message]').length !== o.thread + 2) return false;
    const el = document.querySelector('[data-ds-message]:last-child [data-ds-streaming-message]');
    return el?.getAttribute('data-status') === 'complete';
  }, 'stream complete', 60_000);
  const t1 = performance.now();
  await nextFrame();
  const p = stop();
  await mark('end');
  countRenders = false;
  const last = document.querySelector('[data-ds-message]:last-child [data-part="content"]')?.textContent ?? '';
  const state = ctrl.store.getState();
  const streamed = entryOf(state, state.order[state.order.length - 1]);
  const tool = streamed?.kind === 'response' ? streamed.parts.find((x) => x.type === 'tool-call') : undefined;
  const toolExact = !o.toolCall || (tool?.type === 'tool-call' && (tool.input as { q?: string } | undefined)?.q === expected && tool.state === 'output-available');
  await agent.stop();
  await ctrl.stop();
  root?.unmount();
  root = null;
  // With a tool call in the response, its rendering may share the content element with the text.
  return { ...p, ms: t1 - t0, exact: (o.toolCall ? last.includes(expected) : last === expected) && toolExact };
}

const Row = memo(function ChatRow({ message }: { message: UIMessage }) {
  return (
    <li data-role={message.role}>
      {message.parts.map((part, i) => (part.type === 'text' ? <p key={i}>{part.text}</p> : null))}
    </li>
  );
});

function UseChatApp({ initial, transport, throttle, onReady }: { initial: UIMessage[]; transport: ChatTransport<UIMessage>; throttle?: number; onReady: (send: (t: string) => void) => void }) {
  const { messages, sendMessage, status, stop } = useChat({ messages: initial, transport, ...(throttle ? { experimental_throttle: throttle } : {}) });
  const [input, setInput] = useState('');
  onReady((t) => void sendMessage({ text: t }));
  return (
    <section aria-label="useChat">
      <ol>
        {messages.map((m) => (
          <Row key={m.id} message={m} />
        ))}
      </ol>
      <form onSubmit={(e) => { e.preventDefault(); void sendMessage({ text: input }); setInput(''); }}>
        <input value={input} onChange={(e) => setInput(e.target.value)} aria-label="Message" />
        <button type="submit" disabled={status !== 'ready'}>Send</button>
        <button type="button" onClick={() => void stop()} disabled={status !== 'streaming' && status !== 'submitted'} data-status={status}>Stop</button>
      </form>
    </section>
  );
}

/**
 * The same tokens for useChat by another road: `http` through the SDK's DefaultChatTransport (a fetch
 * answering with the SSE body a route sends), `durable` through createDurableChatTransport over an
 * in-page broker and agent (the agent's default batching, the store's per-frame batching).
 */
async function viaTransport(via: 'http' | 'durable', o: RunOptions, done: () => void): Promise<ChatTransport<UIMessage>> {
  if (via === 'http') {
    const enc = new TextEncoder();
    const sse = () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          const send = (chunk: UIMessageChunk) => c.enqueue(enc.encode(`data: ${JSON.stringify(chunk)}\n\n`));
          send({ type: 'start', messageId: 'streamed' });
          send({ type: 'text-start', id: 'x' });
          void tokenSource(o.tokens, o.rate, (from, to) => {
            for (let i = from; i < to; i++) send({ type: 'text-delta', id: 'x', delta: word(i) });
          }).then(() => {
            send({ type: 'text-end', id: 'x' });
            send({ type: 'finish' });
            c.enqueue(enc.encode('data: [DONE]\n\n'));
            c.close();
            done();
          });
        },
      });
    return new DefaultChatTransport({ api: '/bench/chat', fetch: async () => new Response(sse(), { headers: { 'content-type': 'text/event-stream' } }) });
  }
  const broker = createBroker();
  const sessionId = `bench-uc-${Math.random().toString(36).slice(2)}`;
  const agent = createAgent({
    transport: createMemoryTransport({ broker, clientId: 'agent' }),
    sessionId,
    agentId: 'bench',
    handler: (turn) =>
      tokenSource(o.tokens, o.rate, (from, to) => {
        for (let i = from; i < to; i++) turn.write(word(i));
      }).then(() => done()),
  });
  await agent.start();
  const transport = createDurableChatTransport({ sessionId, transport: createMemoryTransport({ broker, clientId: 'user' }) });
  await transport.ready();
  return transport;
}

async function runUseChat(o: RunOptions & { throttle?: number; via?: 'http' | 'durable' }) {
  const initial: UIMessage[] = [];
  for (let i = 0; i < o.thread / 2; i++) {
    initial.push({ id: `u${i}`, role: 'user', parts: [{ type: 'text', text: `question ${i}` }] });
    initial.push({ id: `a${i}`, role: 'assistant', parts: [{ type: 'text', text: answer(i) }] });
  }
  let finished = false;
  const transport: ChatTransport<UIMessage> = o.via ? await viaTransport(o.via, o, () => (finished = true)) : {
    sendMessages: async () =>
      new ReadableStream<UIMessageChunk>({
        start(c) {
          c.enqueue({ type: 'start', messageId: 'streamed' });
          c.enqueue({ type: 'text-start', id: 'x' });
          void tokenSource(o.tokens, o.rate, (from, to) => {
            for (let i = from; i < to; i++) c.enqueue({ type: 'text-delta', id: 'x', delta: word(i) });
          }).then(() => {
            c.enqueue({ type: 'text-end', id: 'x' });
            c.enqueue({ type: 'finish' });
            c.close();
            finished = true;
          });
        },
      }),
    reconnectToStream: async () => null,
  };
  let send: ((t: string) => void) | null = null;
  mount(<UseChatApp initial={initial} transport={transport} throttle={o.throttle} onReady={(s) => (send = s)} />);
  await waitFor(() => document.querySelectorAll('li').length === o.thread && send !== null, 'thread rendered');
  await nextFrame();
  await nextFrame();
  finishedKeys = new Set(initial.map((m) => m.id));
  const expected = Array.from({ length: o.tokens }, (_, i) => word(i)).join('');
  countRenders = o.counting;
  await mark('start');
  const stop = startProbe();
  const t0 = performance.now();
  send!('go');
  await waitFor(() => finished && document.querySelector('button[data-status]')?.getAttribute('data-status') === 'ready', 'stream complete', 60_000);
  const t1 = performance.now();
  await nextFrame();
  const p = stop();
  await mark('end');
  countRenders = false;
  const last = document.querySelector('li:last-child p')?.textContent ?? '';
  root?.unmount();
  root = null;
  return { ...p, ms: t1 - t0, exact: last === expected };
}

/** Mounts and unmounts a provider with DurableChat `n` times over one in-page broker. */
async function mountCycles(n: number) {
  const broker = (window as any).__mountBroker ?? ((window as any).__mountBroker = createBroker());
  const sessionId = 'bench-mount';
  if (!(window as any).__mountSeeded) {
    (window as any).__mountSeeded = true;
    await seedOurs(broker, sessionId, 40);
  }
  for (let i = 0; i < n; i++) {
    mount(
      <DurableSessionProvider sessionId={sessionId} transport={() => createMemoryTransport({ broker, clientId: 'user' })}>
        <DurableChat label="Bench chat" />
      </DurableSessionProvider>,
    );
    await waitFor(() => document.querySelectorAll('[data-ds-message]').length === 40, 'thread rendered');
    root?.unmount();
    root = null;
    await new Promise((r) => setTimeout(r, 5));
  }
}

(window as any).bench = { runOurs, runUseChat, mountCycles, ready: true };

/**
 * Latency probe over the local server: renders DurableChat over an ably transport and stamps, for
 * every token index `tN`, when it arrived from the socket, when the store applied it and when it was
 * in the DOM (wall-clock ms, comparable with the Node agent's stamps on the same machine).
 */
async function latencyProbe(o: { ablyOptions: Record<string, unknown>; sessionId: string }) {
  const { createAblyTransport } = await import('../../src/transports/ably.js');
  const wall = () => performance.timeOrigin + performance.now();
  const transport = createAblyTransport({ options: o.ablyOptions as never });
  const ctrl = createSessionController({ transport, sessionId: o.sessionId });
  const times = { arrived: [] as number[], store: [] as number[], dom: [] as number[] };
  const lastIndex = (text: string) => {
    const m = /t(\d+)\s*$/.exec(text);
    return m ? Number(m[1]) : -1;
  };
  const stamp = (list: number[], upTo: number) => {
    const t = wall();
    for (let i = list.length; i <= upTo; i++) list[i] = t;
  };
  transport.channel(o.sessionId).subscribe((m) => {
    if (m.name === 'agent.response' && typeof m.data === 'string') stamp(times.arrived, lastIndex(m.data));
  });
  ctrl.store.subscribe((s) => {
    for (let i = s.order.length - 1; i >= 0; i--) {
      const e = entryOf(s, s.order[i]);
      if (e?.kind === 'response') return stamp(times.store, lastIndex(e.text));
    }
  });
  mount(
    <DurableSessionProvider sessionId={o.sessionId} transport={transport} controller={ctrl}>
      <DurableChat label="Latency" />
    </DurableSessionProvider>,
  );
  new MutationObserver(() => {
    const el = document.querySelector('[data-ds-message]:last-child [data-part="content"]');
    if (el) stamp(times.dom, lastIndex(el.textContent ?? ''));
  }).observe(document.getElementById('root')!, { subtree: true, childList: true, characterData: true });
  await waitFor(() => ctrl.store.getState().connection.hydrated, 'attached');
  (window as any).__latency = { ctrl, times };
  return true;
}

(window as any).bench.latencyProbe = latencyProbe;

/**
 * Paging probe over the local server: opens a session with DurableChat over a fresh ably connection
 * and times until the thread shows the newest page (`rows` rows, the last one reading `lastText`);
 * then, on request, loads older pages one by one. History requests and the messages they returned
 * are counted by a pass-through wrapper of the transport's channel.
 */
async function openSession(o: { ablyOptions: Record<string, unknown>; sessionId: string; rows: number; lastText: string; older?: { firstText: string[] } }) {
  const { createAblyTransport } = await import('../../src/transports/ably.js');
  const t0 = performance.now();
  const transport = createAblyTransport({ options: o.ablyOptions as never });
  const counter = { requests: 0, items: 0, pages: [] as number[] };
  const channel = transport.channel.bind(transport);
  const wrapped = new WeakSet<object>();
  const wrap = (page: any): any => {
    counter.requests++;
    counter.items += page.items.length;
    counter.pages.push(page.items.length);
    return { items: page.items, hasNext: () => page.hasNext(), next: async () => { const n = await page.next(); return n && wrap(n); } };
  };
  transport.channel = (id: string) => {
    const ch = channel(id);
    if (!wrapped.has(ch)) {
      wrapped.add(ch);
      const history = ch.history.bind(ch);
      ch.history = async (q: any) => wrap(await history(q));
    }
    return ch;
  };
  const ctrl = createSessionController({ transport, sessionId: o.sessionId, viewStorage: null });
  mount(
    <DurableSessionProvider sessionId={o.sessionId} transport={transport} controller={ctrl}>
      <DurableChat label="Paging" />
    </DurableSessionProvider>,
  );
  const rows = () => document.querySelectorAll('[data-ds-message]');
  const lastContent = () => document.querySelector('[data-ds-message]:last-child [data-ds-streaming-message] [data-part="content"]')?.textContent ?? '';
  await waitFor(() => rows().length >= o.rows && lastContent() === o.lastText, 'the newest page rendered', 60_000);
  const ms = performance.now() - t0;
  // Two more frames: a list that pages on its own while opening shows up in these counts.
  await nextFrame();
  await nextFrame();
  const open = { requests: counter.requests, items: counter.items, rows: rows().length, hasOlder: ctrl.store.getState().paging.hasOlder };
  const older: { ms: number; rows: number; items: number }[] = [];
  for (const firstText of o.older?.firstText ?? []) {
    await nextFrame();
    const before = rows().length;
    const requests = counter.requests;
    const t1 = performance.now();
    const read = await ctrl.loadOlder();
    await waitFor(() => rows().length > before && (rows()[0].querySelector('[data-part="content"]')?.textContent ?? '') === firstText, 'an older page rendered', 60_000);
    older.push({ ms: performance.now() - t1, rows: rows().length - before, items: read, requests: counter.requests - requests } as never);
  }
  root?.unmount();
  root = null;
  await ctrl.stop();
  await transport.close();
  return { ms, open, older, pages: counter.pages };
}

(window as any).bench.openSession = openSession;
