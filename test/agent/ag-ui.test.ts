// AG-UI agents into a session: a recorded AG-UI event sequence (typed with @ag-ui/core) streamed into a
// turn on the memory transport; two tabs and a late joiner hold it part by part; malformed runs fail typed.
import { EventType, type BaseEvent, type RunErrorEvent, type TextMessageContentEvent, type ToolCallArgsEvent } from '@ag-ui/core';
import { describe, expect, it } from 'vitest';
import { AG_UI_STATE_ID, applyJsonPatch, streamFrom, type AgUiEvent } from '../../src/agent/index.js';
import { DurableSessionError, type ResponsePart } from '../../src/core/index.js';
import { client, responses } from '../helpers/session-fixture.js';
import { askOnce, llmAgent } from '../helpers/llm-agent.js';
import { until } from '../helpers/until.js';

// The published types must fit ours, event by event (an AG-UI event is a `{ type: EventType.X, … }`).
type Fits<T> = T extends { type: infer K } ? Omit<T, 'type'> & { type: `${K & string}` } : never;
const fits = (e: Fits<TextMessageContentEvent> | Fits<ToolCallArgsEvent> | Fits<RunErrorEvent>): AgUiEvent => e;
void fits;

/** A run as an AG-UI agent streamed it: reasoning, text, a tool call with streamed arguments and its result, shared state. */
const recorded = [
  { type: EventType.RUN_STARTED, threadId: 'thread-1', runId: 'run-1' },
  { type: EventType.REASONING_START, messageId: 'r1' },
  { type: EventType.REASONING_MESSAGE_START, messageId: 'r1', role: 'reasoning' },
  { type: EventType.REASONING_MESSAGE_CONTENT, messageId: 'r1', delta: 'Look up ' },
  { type: EventType.REASONING_MESSAGE_CONTENT, messageId: 'r1', delta: 'the flight.' },
  { type: EventType.REASONING_MESSAGE_END, messageId: 'r1' },
  { type: EventType.REASONING_END, messageId: 'r1' },
  { type: EventType.STATE_SNAPSHOT, snapshot: { step: 'search', results: [] } },
  { type: EventType.TEXT_MESSAGE_START, messageId: 'm1', role: 'assistant' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm1', delta: 'Checking ' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm1', delta: 'flights. ' },
  { type: EventType.TEXT_MESSAGE_END, messageId: 'm1' },
  { type: EventType.TOOL_CALL_START, toolCallId: 'tc-1', toolCallName: 'searchFlights', parentMessageId: 'm1' },
  { type: EventType.TOOL_CALL_ARGS, toolCallId: 'tc-1', delta: '{"from":"LHR",' },
  { type: EventType.TOOL_CALL_ARGS, toolCallId: 'tc-1', delta: '"to":"JFK"}' },
  { type: EventType.TOOL_CALL_END, toolCallId: 'tc-1' },
  { type: EventType.STEP_STARTED, stepName: 'search' },
  { type: EventType.TOOL_CALL_RESULT, messageId: 'tool-1', toolCallId: 'tc-1', content: '{"flights":2}', role: 'tool' },
  { type: EventType.STEP_FINISHED, stepName: 'search' },
  { type: EventType.STATE_DELTA, delta: [ { op: 'replace', path: '/step', value: 'done' }, { op: 'add', path: '/results/-', value: 'BA117' } ] },
  { type: EventType.TEXT_MESSAGE_START, messageId: 'm2', role: 'assistant' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm2', delta: 'Two flights found.' },
  { type: EventType.TEXT_MESSAGE_END, messageId: 'm2' },
  { type: EventType.RUN_FINISHED, threadId: 'thread-1', runId: 'run-1' },
] satisfies BaseEvent[];

async function* play(events: readonly object[]) {
  for (const e of events) {
    yield e as AgUiEvent;
    await new Promise((r) => setTimeout(r, 0));
  }
}

const partsOf = (c: ReturnType<typeof client>): ResponsePart[] => responses(c.ctrl.store.getState())[0]?.parts ?? [];

describe('AG-UI events into a session', () => {
  it('a recorded run: two tabs and a late joiner hold every part the agent recorded', async () => {
    const written: string[] = [];
    const { broker, agent, records } = llmAgent(async (turn) => written.push(await streamFrom(turn, play(recorded))));
    await agent.start();
    const alice = client(broker, 'alice', 's');
    const bob = client(broker, 'bob', 's');
    await Promise.all([alice.ctrl.acquire(), bob.ctrl.acquire()]);
    await alice.ctrl.send('Flights from London to New York?');
    const record = await until(() => records[0], 'the turn record');

    expect(record.status).toBe('complete');
    expect(record.text).toBe('Checking flights. Two flights found.');
    expect(written).toEqual([record.text]);
    expect(record.parts.map((p) => p.type)).toEqual(['reasoning', 'data-state', 'text', 'tool-call', 'text']);
    expect(record.parts[0]).toMatchObject({ text: 'Look up the flight.', state: 'done' });
    expect(record.parts[1]).toMatchObject({ id: AG_UI_STATE_ID, name: 'state', data: { step: 'done', results: ['BA117'] } });
    expect(record.parts[3]).toMatchObject({ toolCallId: 'tc-1', toolName: 'searchFlights', state: 'output-available', inputText: '{"from":"LHR","to":"JFK"}', input: { from: 'LHR', to: 'JFK' }, output: { flights: 2 } });

    const late = client(broker, 'carol', 's');
    await late.ctrl.acquire();
    for (const c of [alice, bob, late]) {
      await until(() => responses(c.ctrl.store.getState())[0]?.status, `${c.transport.clientId} to see it end`, { ok: (s) => s === 'complete' });
      const held = partsOf(c);
      expect(held).toHaveLength(record.parts.length);
      for (let i = 0; i < held.length; i++) expect(held[i], `${c.transport.clientId} part ${i}`).toEqual(record.parts[i]);
    }
  });

  it('an AG-UI HTTP agent: its server-sent events Response streams into the turn', async () => {
    const sse = recorded.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('');
    const { broker, agent, records } = llmAgent((turn) => streamFrom(turn, new Response(sse, { headers: { 'content-type': 'text/event-stream' } })));
    await agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('Flights?');
    const record = await until(() => records[0], 'the turn record');
    expect(record.status).toBe('complete');
    expect(record.text).toBe('Checking flights. Two flights found.');
    expect(record.parts.map((p) => p.type)).toEqual(['reasoning', 'data-state', 'text', 'tool-call', 'text']);
  });

  it('RUN_ERROR ends the turn in error with its message', async () => {
    const { broker, agent, records } = llmAgent((turn) =>
      streamFrom(turn, play([recorded[0], recorded[8], recorded[9], { type: EventType.RUN_ERROR, message: 'model overloaded', code: '529' }])),
    );
    await agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('hi');
    const record = await until(() => records[0], 'the turn record');
    expect(record.status).toBe('error');
    expect(record.text).toBe('Checking ');
    const r = await until(() => responses(alice.ctrl.store.getState())[0], 'the error in the tab', { ok: (x) => x?.status === 'error' });
    expect(r.error).toContain('model overloaded (529)');
  });

  it.each([
    ['an unknown event type', [recorded[0], { type: 'TEXT_MESSAGE_STREAM', delta: 'x' }], 'unknown_event'],
    ['TOOL_CALL_ARGS for a call never started', [recorded[0], { type: EventType.TOOL_CALL_ARGS, toolCallId: 'ghost', delta: '{}' }], 'malformed_event'],
    ['text for a message never started', [recorded[0], { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'nope', delta: 'x' }], 'malformed_event'],
    ['a STATE_DELTA whose path does not resolve', [recorded[7], { type: EventType.STATE_DELTA, delta: [{ op: 'replace', path: '/missing/deep', value: 1 }] }], 'malformed_event'],
  ] as const)('%s: a typed DurableSessionError, and the turn ends in error', async (_what, events, code) => {
    const failures: unknown[] = [];
    const record = await askOnce(
      llmAgent(async (turn) => {
        try {
          await streamFrom(turn, play(events));
        } catch (e) {
          failures.push(e);
          throw e;
        }
      }),
    );
    expect(record.status).toBe('error');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(DurableSessionError);
    expect((failures[0] as DurableSessionError).code).toBe(code);
  });

  it('JSON Patch: add, remove, replace, move, copy and test, without touching the input', () => {
    const doc = { a: { b: [1, 2] }, c: 'x' };
    const out = applyJsonPatch(doc, [
      { op: 'add', path: '/a/b/1', value: 9 },
      { op: 'remove', path: '/c' },
      { op: 'copy', from: '/a/b', path: '/d' },
      { op: 'move', from: '/d', path: '/e' },
      { op: 'replace', path: '/a/b/0', value: 0 },
      { op: 'test', path: '/e', value: [1, 9, 2] },
      { op: 'add', path: '/f~1g', value: true },
    ]);
    expect(out).toEqual({ a: { b: [0, 9, 2] }, e: [1, 9, 2], 'f/g': true });
    expect(doc).toEqual({ a: { b: [1, 2] }, c: 'x' });
    expect(() => applyJsonPatch(doc, [{ op: 'test', path: '/c', value: 'y' }])).toThrow(DurableSessionError);
  });
});
