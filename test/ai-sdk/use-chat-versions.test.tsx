// The real useChat over the durable chat transport when a turn gets more than one answer: useChat's
// regenerate() becomes a second version in the session, and an agent that dies mid-answer ends
// useChat's stream with its text kept and without anyone cancelling the turn.
import { useChat } from '@ai-sdk/react';
import { act, renderHook } from '@testing-library/react';
import type { UIMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import type { DurableChatTransport } from '../../src/ai-sdk/index.js';
import { selectBranchInfo, selectPathEntries, selectResponse, selectThread, selectVersions } from '../../src/core/index.js';
import { EventName } from '../../src/core/protocol.js';
import { createBroker } from '../helpers/session-fixture.js';
import { settle, until } from '../helpers/until.js';
import { startHandAgent } from '../react/support.js';
import { chatTab, SESSION } from './chat-tab.js';

// A short grace, so a dead agent's response shows interrupted within the test's wait.
const tab = (broker: ReturnType<typeof createBroker>, clientId: string) => chatTab(broker, clientId, { agentGoneMs: 20 }).transport;

const mount = (transport: DurableChatTransport) => renderHook(() => useChat({ id: SESSION, transport }));
type Chat = ReturnType<typeof useChat>;

const textOf = (m: UIMessage | undefined) => (m?.parts ?? []).flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
const assistants = (c: Chat) => c.messages.filter((m) => m.role === 'assistant');

describe('useChat over a durable session: versions and a dying agent', () => {
  it('regenerate() asks the agent again: a second version in the session, and useChat holds only the new answer', async () => {
    const broker = createBroker();
    const agent = await startHandAgent(broker, SESSION);
    const transport = tab(broker, 'alice');
    const chat = mount(transport);

    await act(async () => {
      void chat.result.current.sendMessage({ text: 'Name a colour' });
    });
    const first = await agent.nextTurn();
    first.write('Red ');
    first.write('it is.');
    agent.finish(first);
    await agent.record(first.turnId);
    await until(() => chat.result.current.status, 'the first answer to end', { ok: (s) => s === 'ready' });
    expect(assistants(chat.result.current).map(textOf)).toEqual(['Red it is.']);

    await act(async () => {
      void chat.result.current.regenerate();
    });
    const second = await agent.nextTurn();
    expect(second.reason).toBe('regenerate');
    expect(second.turnId).toBe(first.turnId);
    expect(second.responseId).not.toBe(first.responseId);
    second.write('Blue, ');
    await until(() => textOf(assistants(chat.result.current).at(-1)), 'the second answer to stream in', { ok: (t) => t === 'Blue, ' });
    expect(chat.result.current.status).toBe('streaming');
    // While the new answer streams, the old one is gone from useChat, not shown next to it.
    expect(assistants(chat.result.current)).toHaveLength(1);

    second.write('on reflection.');
    agent.finish(second);
    await until(() => agent.records.length, 'the second record', { ok: (n) => n === 2 });
    await until(() => chat.result.current.status, 'the second answer to end', { ok: (s) => s === 'ready' });

    const msgs = chat.result.current.messages;
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(textOf(msgs[0])).toBe('Name a colour');
    expect(msgs[1].id).toBe(second.responseId);
    expect(textOf(msgs[1])).toBe('Blue, on reflection.');
    expect(msgs[1].parts.filter((p) => p.type === 'text')).toHaveLength(1);
    expect(chat.result.current.error).toBeUndefined();

    // Both answers stay in the session, as versions of the one turn.
    const s = transport.controller.store.getState();
    const versions = selectVersions(s, second.responseId);
    expect(versions.map((v) => [v.responseId, v.status, v.text])).toEqual([
      [first.responseId, 'complete', 'Red it is.'],
      [second.responseId, 'complete', 'Blue, on reflection.'],
    ]);
    expect(agent.records.map((r) => [r.reason, r.status, r.aborted])).toEqual([
      ['message', 'complete', false],
      ['regenerate', 'complete', false],
    ]);
  });

  it('sendMessage({ text, messageId }) edits: a new branch the agent answers from the path, the original kept in the session', async () => {
    const broker = createBroker();
    const agent = await startHandAgent(broker, SESSION);
    const transport = tab(broker, 'alice');
    const chat = mount(transport);
    for (const [i, [q, a]] of [['Name a colour', 'Red.'], ['Why?', 'It is warm.']].entries()) {
      await act(async () => {
        void chat.result.current.sendMessage({ text: q });
      });
      const t = await agent.nextTurn();
      t.write(a);
      agent.finish(t);
      await until(() => chat.result.current.status, `the answer to ${q}`, { ok: (st) => st === 'ready' && assistants(chat.result.current).length === i + 1 });
    }
    const second = chat.result.current.messages[2];
    expect(textOf(second)).toBe('Why?');

    await act(async () => {
      void chat.result.current.sendMessage({ text: 'Why red?', messageId: second.id });
    });
    const edit = await agent.nextTurn();
    expect(edit.input.text).toBe('Why red?');
    expect(edit.transcript.map((l) => l.text)).toEqual(['Name a colour', 'Red.']);
    edit.write('Because of the sunset.');
    agent.finish(edit);
    await until(() => textOf(assistants(chat.result.current).at(-1)), 'the edited answer', { ok: (t) => t === 'Because of the sunset.' });
    await until(() => chat.result.current.status, 'ready', { ok: (st) => st === 'ready' });
    expect(chat.result.current.messages.map(textOf)).toEqual(['Name a colour', 'Red.', 'Why red?', 'Because of the sunset.']);

    const s = transport.controller.store.getState();
    expect(selectPathEntries(s).map((e) => e.text)).toEqual(['Name a colour', 'Red.', 'Why red?', 'Because of the sunset.']);
    // The original question and its answer stay, one branch away.
    expect(selectThread(s).map((e) => e.text)).toEqual(['Name a colour', 'Red.', 'Why?', 'It is warm.', 'Why red?', 'Because of the sunset.']);
    const editedKey = selectPathEntries(s)[2].key;
    expect(selectBranchInfo(s, editedKey)).toMatchObject({ index: 1, count: 2 });
  });

  it('an agent that dies mid-answer ends useChat in error with the text so far, and cancels nothing', async () => {
    const broker = createBroker();
    const agent = await startHandAgent(broker, SESSION);
    const transport = tab(broker, 'alice');
    const chat = mount(transport);

    await act(async () => {
      void chat.result.current.sendMessage({ text: 'Tell me a story' });
    });
    const turn = await agent.nextTurn();
    turn.write('Once upon ');
    turn.write('a time');
    await until(() => textOf(assistants(chat.result.current).at(-1)), 'the first words', { ok: (t) => t === 'Once upon a time' });
    expect(chat.result.current.status).toBe('streaming');

    await act(() => agent.transport.close());
    await until(() => chat.result.current.status, 'useChat to see the answer end', { ok: (s) => s !== 'streaming' && s !== 'submitted' });

    expect(chat.result.current.status).toBe('error');
    expect(chat.result.current.error?.message).toMatch(/interrupted/);
    const msgs = chat.result.current.messages;
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(msgs[1].id).toBe(turn.responseId);
    expect(textOf(msgs[1])).toBe('Once upon a time');
    expect(selectResponse(transport.controller.store.getState(), turn.responseId)).toMatchObject({ status: 'interrupted', text: 'Once upon a time' });

    // Ending the stream is not a stop: no cancel was asked for, so the turn can still be retried or taken over.
    await act(() => settle());
    const s = transport.controller.store.getState();
    expect(s.cancels).toEqual({});
    expect(turn.signal.aborted).toBe(false);
    const names = broker.channel(SESSION).history({ limit: 1000 }).items.map((m) => m.name);
    expect(names).not.toContain(EventName.Cancel);
    expect(names).toContain(EventName.AgentResponse);
  });
});
