// The real useChat from @ai-sdk/react over the durable chat transport, on the memory transport with a
// hand-driven agent: send and stream every part kind, reload mid-answer, stop, a second tab, approvals.
import { useChat } from '@ai-sdk/react';
import { act, renderHook } from '@testing-library/react';
import { lastAssistantMessageIsCompleteWithApprovalResponses, type UIMessage } from 'ai';
import { useEffect } from 'react';
import { describe, expect, it } from 'vitest';
import { toUIParts, type DurableChatTransport } from '../../src/ai-sdk/index.js';
import type { Turn } from '../../src/agent/index.js';
import { DurableSessionError, selectResponse } from '../../src/core/index.js';
import { createBroker } from '../helpers/session-fixture.js';
import { until } from '../helpers/until.js';
import { startHandAgent } from '../react/support.js';
import { chatTab, SESSION } from './chat-tab.js';

const tab = chatTab;

type Chat = ReturnType<typeof useChat>;
function mount(transport: DurableChatTransport, opts: { messages?: UIMessage[]; resume?: boolean; follow?: boolean } = {}) {
  return renderHook(() => {
    const chat = useChat({
      id: SESSION,
      transport,
      ...(opts.messages ? { messages: opts.messages } : {}),
      resume: opts.resume ?? false,
      sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    });
    const { setMessages, resumeStream } = chat;
    useEffect(() => (opts.follow ? transport.follow({ setMessages, resumeStream }) : undefined), [setMessages, resumeStream]);
    return chat;
  });
}

const assistant = (c: Chat) => c.messages.filter((m) => m.role === 'assistant').at(-1);
const textOf = (m: UIMessage | undefined) => (m?.parts ?? []).flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
/** The parts as a reader sees them: what they say, not how the SDK bookkeeps them. */
const shape = (m: UIMessage | undefined) =>
  (m?.parts ?? []).map((p) => {
    const { providerMetadata: _pm, state: _s, ...rest } = p as Record<string, unknown>;
    return p.type.startsWith('tool-') ? { type: p.type, state: (p as { state: string }).state, input: rest.input, output: rest.output } : rest;
  });

async function send(chat: { current: Chat }, text: string) {
  await act(async () => {
    void chat.current.sendMessage({ text });
  });
}

describe('useChat over a durable session', () => {
  it('streams every part kind into useChat, and a second tab following the session shows the same answer', async () => {
    const broker = createBroker();
    const agent = await startHandAgent(broker, SESSION);
    const a = tab(broker, 'alice');
    const b = tab(broker, 'bob');
    const chatA = mount(a.transport);
    const chatB = mount(b.transport, { follow: true });
    await act(() => b.transport.ready());

    await send(chatA.result, 'Weather in Paris?');
    const turn = await agent.nextTurn();
    turn.reasoning('The user wants the weather.');
    turn.write('Let me ');
    turn.write('check. ');
    const call = turn.toolCall({ toolName: 'weather', toolCallId: 'call-1' });
    call.inputDelta('{"city":');
    await until(() => assistant(chatA.result.current)?.parts.find((p) => p.type === 'tool-weather'), 'the partial tool input in tab A', { ok: (p) => (p as { state?: string })?.state === 'input-streaming' });
    expect(chatA.result.current.status).toBe('streaming');
    call.inputDelta('"Paris"}');
    call.output({ tempC: 18 });
    turn.source({ url: 'https://weather.example/paris', title: 'Weather in Paris' });
    turn.file({ mediaType: 'image/png', url: 'https://weather.example/map.png' });
    turn.data('forecast', { days: 3 }, 'fc');
    turn.data('forecast', { days: 5 }, 'fc');
    turn.write('It is 18 °C.');
    agent.finish(turn);
    const record = await agent.record(turn.turnId);

    await until(() => chatA.result.current.status, 'tab A ready', { ok: (s) => s === 'ready' });
    await until(() => textOf(assistant(chatB.result.current)), 'tab B to hold the answer', { ok: (t) => t === record.text });
    const a1 = assistant(chatA.result.current);
    expect(a1?.id).toBe(record.responseId);
    expect(textOf(a1)).toBe('Let me check. It is 18 °C.');
    expect(shape(a1)).toEqual([
      { type: 'reasoning', id: expect.any(String), text: 'The user wants the weather.' },
      { type: 'text', text: 'Let me check. ' },
      { type: 'tool-weather', state: 'output-available', input: { city: 'Paris' }, output: { tempC: 18 } },
      { type: 'source-url', sourceId: expect.any(String), url: 'https://weather.example/paris', title: 'Weather in Paris' },
      { type: 'file', mediaType: 'image/png', url: 'https://weather.example/map.png' },
      { type: 'data-forecast', id: 'fc', data: { days: 5 } },
      { type: 'text', text: 'It is 18 °C.' },
    ]);
    // What useChat holds is what the store holds, part by part, in both tabs.
    const stored = selectResponse(a.transport.controller.store.getState(), record.responseId)!;
    expect(shape(a1)).toEqual(shape({ id: '', role: 'assistant', parts: toUIParts(stored.parts) }));
    expect(shape(assistant(chatB.result.current))).toEqual(shape(a1));
    expect(chatB.result.current.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(textOf(chatB.result.current.messages[0])).toBe('Weather in Paris?');
  });

  it('resumes after a reload mid-answer with the text exact, and a dropped connection cancels nothing', async () => {
    const broker = createBroker();
    const agent = await startHandAgent(broker, SESSION);
    const first = tab(broker, 'alice');
    const before = mount(first.transport);
    await send(before.result, 'Tell me a story');
    const turn = await agent.nextTurn();
    turn.write('Once upon ');
    turn.write('a time ');
    await until(() => textOf(assistant(before.result.current)), 'the first words', { ok: (t) => t === 'Once upon a time ' });

    first.memory.disconnect();
    turn.write('there was ');
    first.memory.reconnect();
    await until(() => textOf(assistant(before.result.current)), 'the words sent while offline', { ok: (t) => t === 'Once upon a time there was ' });
    expect(turn.signal.aborted).toBe(false);

    // Reload: the page goes away (no stop), a new one loads the thread and resumes.
    before.unmount();
    first.transport.close();
    turn.write('a session ');
    const second = tab(broker, 'alice');
    const initial = await second.transport.messages();
    expect(initial.map((m) => m.role)).toEqual(['user', 'assistant']);
    const after = mount(second.transport, { messages: initial, resume: true });
    await until(() => after.result.current.status, 'the resumed stream', { ok: (s) => s === 'streaming' });
    turn.write('that never dropped a word.');
    agent.finish(turn);
    const record = await agent.record(turn.turnId);
    await until(() => after.result.current.status, 'ready', { ok: (s) => s === 'ready' });
    expect(record.status).toBe('complete');
    expect(turn.signal.aborted).toBe(false);
    const msgs = after.result.current.messages;
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(textOf(msgs[1])).toBe('Once upon a time there was a session that never dropped a word.');
    expect(msgs[1].parts.filter((p) => p.type === 'text')).toHaveLength(1);
  });

  it('stop() is an explicit cancel the agent sees, also before the first token', async () => {
    const broker = createBroker();
    const agent = await startHandAgent(broker, SESSION);
    const a = tab(broker, 'alice');
    const chat = mount(a.transport);
    await send(chat.result, 'Write a long essay');
    const turn = await agent.nextTurn();
    turn.write('First paragraph. ');
    await until(() => textOf(assistant(chat.result.current)), 'the first words', { ok: (t) => t.length > 0 });
    await act(() => chat.result.current.stop());
    await until(() => turn.signal.aborted, 'the agent to see the cancel');
    const record = await agent.record(turn.turnId);
    expect(record.status).toBe('cancelled');
    expect(chat.result.current.status).toBe('ready');

    await send(chat.result, 'Never mind');
    const second = await agent.nextTurn();
    expect(second.input.text).toBe('Never mind');
    await act(() => chat.result.current.stop());
    await until(() => second.signal.aborted, 'a stop before any token to cancel the turn');
  });

  it('approves a tool call through addToolApprovalResponse; the agent gets the decision and the answer goes on', async () => {
    const broker = createBroker();
    const agent = await startHandAgent(broker, SESSION);
    const a = tab(broker, 'alice');
    const chat = mount(a.transport);
    await send(chat.result, 'Email Bob the report');
    const turn: Turn = await agent.nextTurn();
    turn.write('I will send it. ');
    const call = turn.toolCall({ toolName: 'sendEmail', toolCallId: 'email-1', needsApproval: true, input: { to: 'bob' } });
    const decided = call.approval();
    const part = await until(() => assistant(chat.result.current)?.parts.find((p) => p.type === 'tool-sendEmail') as { state: string; approval?: { id: string } } | undefined, 'the approval request', { ok: (p) => p?.state === 'approval-requested' });
    await until(() => chat.result.current.status, 'the stream to end while the call waits', { ok: (s) => s === 'ready' });

    await act(async () => {
      await chat.result.current.addToolApprovalResponse({ id: part!.approval!.id, approved: true, reason: 'fine' });
    });
    const decision = await decided;
    expect(decision).toMatchObject({ approved: true, reason: 'fine', by: 'alice' });
    call.output({ sent: true });
    turn.write('Sent.');
    agent.finish(turn);
    await agent.record(turn.turnId);
    await until(() => textOf(assistant(chat.result.current)), 'the rest of the answer', { ok: (t) => t === 'I will send it. Sent.' });
    await until(() => chat.result.current.status, 'ready', { ok: (s) => s === 'ready' });
    const msgs = chat.result.current.messages;
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(shape(msgs[1]).map((p) => p.type)).toEqual(['text', 'tool-sendEmail', 'text']);
    expect(shape(msgs[1])[1]).toMatchObject({ state: 'output-available', output: { sent: true } });
  });

  it('refuses messages it cannot send with a typed error, and useChat shows it', async () => {
    const broker = createBroker();
    const a = tab(broker, 'alice');
    const base = { trigger: 'submit-message' as const, chatId: SESSION, messageId: undefined, abortSignal: undefined };
    await expect(a.transport.sendMessages({ ...base, messages: [] })).rejects.toMatchObject({ name: 'DurableSessionError', code: 'invalid_argument' });
    const withData: UIMessage = { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'hi' }, { type: 'data-x', data: 1 }] };
    await expect(a.transport.sendMessages({ ...base, messages: [withData] })).rejects.toBeInstanceOf(DurableSessionError);
    const foreign: UIMessage = { id: 'not-ours', role: 'assistant', parts: [{ type: 'text', text: 'hi' }] };
    await expect(a.transport.sendMessages({ ...base, messages: [foreign] })).rejects.toMatchObject({ code: 'unknown_target' });
    expect(broker.channel(SESSION).messageCount).toBe(0);

    const chat = mount(a.transport);
    await act(async () => {
      await chat.result.current.sendMessage({ text: '   ' });
    });
    expect(chat.result.current.status).toBe('error');
    expect(chat.result.current.error).toBeInstanceOf(DurableSessionError);
    expect((chat.result.current.error as DurableSessionError).code).toBe('invalid_argument');
  });
});
