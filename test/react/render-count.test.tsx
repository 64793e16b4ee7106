import { act, render, screen } from '@testing-library/react';
import { memo, type ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { createBroker } from '../../src/broker/index.js';
import {
  DurableSessionProvider,
  useAgentStream,
  useApproval,
  useConnectionState,
  useDurableSession,
  useMessage,
  useMessageIds,
  usePresence,
  useSteer,
  useStopButton,
  useToolCall,
} from '../../src/react/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { fakeFrames, seedThread, startHandAgent, tickUntil } from './support.js';

const SESSION = 'render-count';
const FINISHED_PAIRS = 100; // 100 user messages + 100 responses = 200 finished entries
const TOKENS = 2000;
const TOKENS_PER_FRAME = 20;

/** Everything around the thread that must not care about tokens: one subscription per concern. */
function Controls({ onRender }: { onRender: () => void }) {
  const stop = useStopButton();
  const steer = useSteer();
  const presence = usePresence();
  const connection = useConnectionState();
  onRender();
  return (
    <p data-testid="controls">
      {[stop.state, stop.canStop, steer.canSteer, steer.pending.length, presence.members.length, connection.status].join(' ')}
    </p>
  );
}

/** The thread as a list of memoised rows, one subscription each: the shape a real message list has. */
function ThreadOf({ Row }: { Row: (p: { id: string }) => ReactNode }) {
  const { ids } = useMessageIds();
  return (
    <ul data-testid="thread">
      {ids.map((id) => (
        <Row key={id} id={id} />
      ))}
    </ul>
  );
}

describe('render counting (fake animation frames)', () => {
  it('streams 2,000 tokens into a 200-message thread: finished rows never re-render, the stream renders at most once per frame', async () => {
    const broker = createBroker();
    const { responseIds } = seedThread(broker, SESSION, FINISHED_PAIRS);
    const writer = await startHandAgent(broker, SESSION);
    const frames = fakeFrames();
    const transport = createMemoryTransport({ broker, clientId: 'alice' });

    const rowRenders = new Map<string, number>();
    const kinds = new Map<string, string | undefined>();
    let streamRenders = 0;
    let otherStreamRenders = 0;
    let controlRenders = 0;
    let chatRenders = 0;
    let streamText = '';
    let streamStatus = '';

    const Row = memo(function Row({ id }: { id: string }) {
      const { message: entry } = useMessage({ key: id });
      rowRenders.set(id, (rowRenders.get(id) ?? 0) + 1);
      kinds.set(id, entry?.kind);
      return <li data-kind={entry?.kind}>{entry?.text}</li>;
    });
    const Thread = () => <ThreadOf Row={Row} />;
    function Streaming() {
      const s = useAgentStream();
      streamRenders++;
      streamText = s.text;
      streamStatus = s.status;
      return <p>{s.text}</p>;
    }
    // Follows a finished response: tokens of another response must not reach it.
    function OtherStream({ id }: { id: string }) {
      const s = useAgentStream({ responseId: id });
      otherStreamRenders++;
      return <p data-testid="other">{s.text}</p>;
    }
    function Send() {
      const { send } = useDurableSession();
      chatRenders++;
      return <button onClick={() => void send('go')}>send</button>;
    }

    const deliveredAppends = { n: 0 };
    transport.channel(SESSION).subscribe((m) => {
      if (m.name === 'agent.response' && m.action === 'message.append') deliveredAppends.n++;
    });

    render(
      <DurableSessionProvider sessionId={SESSION} transport={transport} options={{ scheduler: frames.scheduler, historyPageSize: 500 }}>
        <Thread />
        <Streaming />
        <OtherStream id={responseIds[FINISHED_PAIRS - 1]} />
        <Controls onRender={() => controlRenders++} />
        <Send />
      </DurableSessionProvider>,
    );
    await tickUntil(() => screen.getByTestId('thread').children.length === 2 * FINISHED_PAIRS && broker.channel(SESSION).presence.size === 2, 'hydration and presence', frames);
    expect(screen.getByTestId('other').textContent).toBe(`answer ${FINISHED_PAIRS - 1}`);

    const finishedKeys = [...rowRenders.keys()];
    expect(finishedKeys).toHaveLength(2 * FINISHED_PAIRS);
    const before = new Map(rowRenders);
    const otherBefore = otherStreamRenders;

    await act(async () => screen.getByText('send').click());
    const turn = await writer.nextTurn();
    await tickUntil(() => streamStatus === 'streaming', 'the new response row', frames);
    const streamingKey = [...rowRenders.keys()].find((k) => !before.has(k) && kinds.get(k) === 'response');
    expect(streamingKey).toBeDefined();

    const framesAtStart = frames.count;
    const streamRendersAtStart = streamRenders;
    const controlRendersAtStart = controlRenders;
    const chatRendersAtStart = chatRenders;
    expect(screen.getByTestId('controls').textContent).toBe('idle true true 0 2 connected');
    const streamingRowAtStart = rowRenders.get(streamingKey!) ?? 0;
    let expected = '';
    let delivered = deliveredAppends.n;
    for (let i = 0; i < TOKENS; i += TOKENS_PER_FRAME) {
      for (let j = i; j < i + TOKENS_PER_FRAME; j++) {
        const token = j === 0 ? 't0' : ` t${j}`;
        turn.write(token);
        expected += token;
      }
      delivered += TOKENS_PER_FRAME;
      await tickUntil(() => deliveredAppends.n >= delivered, `delivery of token ${i + TOKENS_PER_FRAME}`);
      frames.tick();
      // Every delivered token is on screen after the frame: coalescing loses nothing.
      expect(streamText).toBe(expected);
    }
    const streamFrames = frames.count - framesAtStart;
    const streamingRenders = streamRenders - streamRendersAtStart;
    const streamingRowRenders = (rowRenders.get(streamingKey!) ?? 0) - streamingRowAtStart;
    const controlRendersDuringStream = controlRenders - controlRendersAtStart;
    const chatRendersDuringStream = chatRenders - chatRendersAtStart;

    writer.finish(turn);
    const record = await writer.record(turn.turnId);
    await tickUntil(() => streamStatus === 'complete', 'the response to complete', frames);

    expect(record.text).toBe(expected);
    expect(streamText).toBe(record.text);
    expect(streamFrames).toBe(TOKENS / TOKENS_PER_FRAME);
    expect(streamingRenders).toBeGreaterThan(0);
    expect(streamingRenders).toBeLessThanOrEqual(streamFrames);
    expect(streamingRowRenders).toBeGreaterThan(0);
    expect(streamingRowRenders).toBeLessThanOrEqual(streamFrames);
    const extra = finishedKeys.filter((k) => rowRenders.get(k) !== before.get(k));
    expect(extra).toEqual([]);
    expect(otherStreamRenders - otherBefore).toBe(0);
    // Controls ignore tokens; presence renders once, when the agent goes from thinking to streaming.
    expect(controlRendersDuringStream).toBeLessThanOrEqual(1);
    // The whole-thread hook re-renders with the stream, but also no more than once per frame.
    expect(chatRendersDuringStream).toBeLessThanOrEqual(streamFrames);
    console.info(
      `[render-count] ${TOKENS} tokens in ${streamFrames} frames: useAgentStream renders ${streamingRenders}, ` +
        `streaming row renders ${streamingRowRenders}, extra renders of ${finishedKeys.length} finished rows ${extra.length}, ` +
        `stop/steer/presence/connection renders ${controlRendersDuringStream}, useDurableSession renders ${chatRendersDuringStream}`,
    );
  });

  it("a tool call's input and the text stream at once: finished rows, a finished tool call and approvals never re-render; the live call renders at most once per frame", async () => {
    const broker = createBroker();
    seedThread(broker, SESSION, FINISHED_PAIRS);
    const writer = await startHandAgent(broker, SESSION);
    const frames = fakeFrames();
    const transport = createMemoryTransport({ broker, clientId: 'alice' });
    const rowRenders = new Map<string, number>();
    const streamingRows = new Set<string>();
    const counts = { stream: 0, live: 0, done: 0, approvals: 0, controls: 0 };
    let parts: string[] = [];
    let streamStatus = '';
    let liveInput = '';
    let liveState = '';
    const Row = memo(function Row({ id }: { id: string }) {
      const { message } = useMessage({ key: id });
      rowRenders.set(id, (rowRenders.get(id) ?? 0) + 1);
      if (message?.kind === 'response' && message.status === 'streaming') streamingRows.add(id);
      return <li>{message?.text}</li>;
    });
    const Thread = () => <ThreadOf Row={Row} />;
    function Streaming() {
      const s = useAgentStream();
      counts.stream++;
      parts = s.parts.map((p) => p.type);
      streamStatus = s.status;
      return <p>{s.text}</p>;
    }
    function LiveCall({ id }: { id: string }) {
      const { toolCall } = useToolCall({ toolCallId: id });
      counts.live++;
      liveInput = toolCall?.inputText ?? '';
      liveState = toolCall?.state ?? '';
      return <p>{toolCall?.inputText}</p>;
    }
    function DoneCall({ id }: { id: string }) {
      const { toolCall } = useToolCall({ toolCallId: id });
      counts.done++;
      return <p data-testid="done-call">{toolCall?.state}</p>;
    }
    function Approvals() {
      const { pending } = useApproval();
      counts.approvals++;
      return <p>{pending.length}</p>;
    }
    function Send() {
      const { send } = useDurableSession();
      return <button onClick={() => void send('go')}>send</button>;
    }
    const delivered = { data: '' };
    transport.channel(SESSION).subscribe((m) => {
      if (m.name === 'agent.response' && m.action === 'message.append' && typeof m.data === 'string') delivered.data += m.data;
    });
    const ui = (liveId?: string) => (
      <DurableSessionProvider sessionId={SESSION} transport={transport} options={{ scheduler: frames.scheduler, historyPageSize: 500 }}>
        <Thread />
        <Streaming />
        <DoneCall id="call-done" />
        {liveId && <LiveCall id={liveId} />}
        <Approvals />
        <Controls onRender={() => counts.controls++} />
        <Send />
      </DurableSessionProvider>
    );
    const { rerender } = render(ui());
    await tickUntil(() => screen.getByTestId('thread').children.length === 2 * FINISHED_PAIRS && broker.channel(SESSION).presence.size === 2, 'hydration and presence', frames);

    // A first turn leaves a finished tool call in the thread.
    await act(async () => screen.getByText('send').click());
    const first = await writer.nextTurn();
    const done = first.toolCall({ toolName: 'weather', toolCallId: 'call-done', input: { city: 'Oslo' } });
    done.output({ tempC: 3 });
    first.write('Cold.');
    writer.finish(first);
    await tickUntil(() => screen.getByTestId('done-call').textContent === 'output-available' && streamStatus === 'complete', 'the finished call', frames);

    await act(async () => screen.getByText('send').click());
    const turn = await writer.nextTurn();
    const call = turn.toolCall({ toolName: 'search', toolCallId: 'call-live' });
    rerender(ui(call.toolCallId));
    await tickUntil(() => liveState === 'input-streaming', 'the live call', frames);
    const rowsBefore = new Map(rowRenders);
    const finishedKeys = [...rowsBefore.keys()].filter((k) => !streamingRows.has(k));
    const at = { ...counts, frames: frames.count };

    let input = '{"q":"';
    call.inputDelta(input);
    let text = '';
    const STEPS = 200;
    for (let i = 0; i < STEPS; i++) {
      const piece = `x${i} `;
      const word = `${i === 0 ? '' : ' '}t${i}`;
      call.inputDelta(piece);
      turn.write(word);
      input += piece;
      text += word;
      await tickUntil(() => delivered.data.includes(piece) && delivered.data.includes(word), `delivery of step ${i}`);
      frames.tick();
      expect(liveInput).toBe(input);
    }
    const inputFrames = frames.count - at.frames;
    const during = { stream: counts.stream - at.stream, live: counts.live - at.live, done: counts.done - at.done, approvals: counts.approvals - at.approvals, controls: counts.controls - at.controls };

    call.inputDelta('"}');
    call.output({ hits: 3 });
    await tickUntil(() => liveState === 'output-available', 'the output', frames);
    const afterOutput = { live: counts.live, frames: frames.count };
    for (let i = 0; i < 50; i++) {
      const word = ` more${i}`;
      turn.write(word);
      await tickUntil(() => delivered.data.includes(word), `delivery of word ${i}`);
      frames.tick();
    }
    const liveDuringText = counts.live - afterOutput.live;
    writer.finish(turn);
    await tickUntil(() => streamStatus === 'complete', 'the end', frames);

    expect(parts).toEqual(['tool-call', 'text']);
    expect(inputFrames).toBe(STEPS);
    expect(during.live).toBeGreaterThan(0);
    expect(during.live).toBeLessThanOrEqual(inputFrames);
    expect(during.stream).toBeLessThanOrEqual(inputFrames);
    expect(during.done).toBe(0);
    expect(during.approvals).toBe(0);
    expect(during.controls).toBeLessThanOrEqual(1);
    expect(liveDuringText).toBe(0);
    expect(finishedKeys.filter((k) => rowRenders.get(k) !== rowsBefore.get(k))).toEqual([]);
    console.info(
      `[render-count] tool input + text, ${STEPS} steps in ${inputFrames} frames: useAgentStream renders ${during.stream}, ` +
        `useToolCall (streaming call) ${during.live}, useToolCall (finished call) ${during.done}, useApproval ${during.approvals}, ` +
        `controls ${during.controls}, extra renders of ${finishedKeys.length} finished rows 0; the streaming call during ${frames.count - afterOutput.frames} text-only frames: ${liveDuringText}`,
    );
  });

  it('applies a 500-event resume replay in one frame and one render (no replay storm)', async () => {
    const broker = createBroker();
    const writer = await startHandAgent(broker, SESSION);
    const frames = fakeFrames();
    const transport = createMemoryTransport({ broker, clientId: 'alice' });
    let renders = 0;
    let text = '';
    function Streaming() {
      const s = useAgentStream();
      const { send } = useDurableSession();
      renders++;
      text = s.text;
      return <button onClick={() => void send('go')}>send</button>;
    }
    const delivered = { n: 0 };
    transport.channel(SESSION).subscribe((m) => {
      if (m.name === 'agent.response' && m.action === 'message.append') delivered.n++;
    });
    render(
      <DurableSessionProvider sessionId={SESSION} transport={transport} options={{ scheduler: frames.scheduler, historyPageSize: 500 }}>
        <Streaming />
      </DurableSessionProvider>,
    );
    await tickUntil(() => broker.channel(SESSION).presence.size === 2, 'presence', frames);
    await act(async () => screen.getByText('send').click());
    const turn = await writer.nextTurn();
    turn.write('first ');
    await tickUntil(() => text === 'first ', 'the first token', frames);

    act(() => transport.disconnect());
    for (let i = 0; i < 500; i++) turn.write(`r${i} `);
    const log = broker.channel(SESSION);
    await tickUntil(() => log.history({ limit: 1 }).items[0]?.data === turn.text, 'the agent to publish 500 appends');
    const before = delivered.n;
    await act(async () => await transport.reconnect());
    await tickUntil(() => delivered.n === before + 500, 'the replay to be delivered');
    const rendersBefore = renders;
    const framesBefore = frames.count;
    expect(frames.pending).toBe(1);
    frames.tick();
    expect(frames.count - framesBefore).toBe(1);
    expect(renders - rendersBefore).toBe(1);
    expect(text).toBe(turn.text);
  });
});
