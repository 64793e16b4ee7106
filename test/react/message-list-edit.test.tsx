import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../src/agent/index.js';
import { createBroker, type Broker } from '../../src/broker/index.js';
import { DurableChat } from '../../src/components/index.js';
import { build, microtaskScheduler, type ViewStorage } from '../../src/core/index.js';
import { DurableSessionProvider } from '../../src/react/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
// Registers cleanup and a long wait limit for slow machines.
import './support.js';

const SESSION = 'message-list-edit';

/** Each simulated tab keeps its branch picks in its own storage, as each browser tab does. */
function tabStorage(): ViewStorage {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

/** A real agent on its own connection that answers every message (and edit) with an echo of it. */
async function echoAgent(broker: Broker): Promise<Agent> {
  const agent = createAgent({
    transport: createMemoryTransport({ broker, clientId: 'agent-echo' }),
    sessionId: SESSION,
    agentId: 'echo',
    handler: (turn) => {
      turn.write(`Echo: ${turn.input.text}`);
    },
  });
  await agent.start();
  return agent;
}

let running: Agent[] = [];
afterEach(async () => {
  await Promise.all(running.map((a) => a.stop()));
  running = [];
});

function Tab({ broker, label, tabId, children, maxInputChars }: { broker: Broker; label: string; tabId: string; children?: ReactNode; maxInputChars?: number }) {
  return (
    <DurableSessionProvider
      sessionId={SESSION}
      transport={createMemoryTransport({ broker, clientId: 'alice' })}
      tabId={tabId}
      options={{ scheduler: microtaskScheduler, viewStorage: tabStorage(), ...(maxInputChars ? { maxInputChars } : {}) }}
    >
      {children ?? <DurableChat label={label} showSteer={false} />}
    </DurableSessionProvider>
  );
}

const region = (name: string) => screen.getByRole('region', { name });
const userTexts = (scope: HTMLElement) => [...scope.querySelectorAll('[data-ds-user-message] > [data-part="content"]')].map((p) => p.textContent);
const answers = (scope: HTMLElement) => [...scope.querySelectorAll('[data-ds-streaming-message] [data-part="content"]')].map((p) => p.textContent);

async function send(scope: HTMLElement, text: string) {
  const box = within(scope).getByRole('textbox', { name: 'Message' });
  fireEvent.change(box, { target: { value: text } });
  fireEvent.keyDown(box, { key: 'Enter' });
  await waitFor(() => expect(answers(scope)).toContain(`Echo: ${text}`));
}

describe('MessageList editing and branches', () => {
  it('edit makes a second branch the agent answers; the picker pages between them in this tab only', async () => {
    const broker = createBroker();
    running.push(await echoAgent(broker));
    render(
      <>
        <Tab broker={broker} label="Tab A" tabId="a" />
        <Tab broker={broker} label="Tab B" tabId="b" />
      </>,
    );
    const a = region('Tab A');
    const b = region('Tab B');
    await send(a, 'hello');
    await waitFor(() => expect(answers(b)).toEqual(['Echo: hello']));
    expect(a.querySelector('[data-ds-branch-picker]')).toBeNull();

    const editButton = within(a).getByRole('button', { name: 'Edit message' });
    expect(editButton.dataset.part).toBe('edit');
    fireEvent.click(editButton);
    const field = within(a).getByRole<HTMLTextAreaElement>('textbox', { name: 'Edit your message' });
    expect(field.value).toBe('hello');
    expect(document.activeElement).toBe(field);
    fireEvent.change(field, { target: { value: 'hello again' } });
    fireEvent.keyDown(field, { key: 'Enter' });

    await waitFor(() => expect(answers(a)).toEqual(['Echo: hello again']));
    expect(userTexts(a)).toEqual(['hello again']);
    expect(within(a).queryByRole('textbox', { name: 'Edit your message' })).toBeNull();
    const picker = within(a).getByRole('group', { name: 'Branches' });
    expect(picker.textContent).toBe('‹2 / 2›');
    expect(picker.dataset.index).toBe('1');
    expect(picker.dataset.count).toBe('2');
    expect(within(picker).getByRole('button', { name: 'Next branch' }).getAttribute('aria-disabled')).toBe('true');
    // The other tab follows the new branch too: it is the newest.
    await waitFor(() => expect(answers(b)).toEqual(['Echo: hello again']));

    const previous = within(picker).getByRole('button', { name: 'Previous branch' });
    previous.focus();
    fireEvent.click(previous);
    await waitFor(() => expect(answers(a)).toEqual(['Echo: hello']));
    expect(userTexts(a)).toEqual(['hello']);
    // The row is re-rendered in place, so the reader's focus stays on the picker.
    expect(within(a).getByRole('group', { name: 'Branches' }).textContent).toBe('‹1 / 2›');
    expect(document.activeElement).toBe(previous);
    expect(previous.getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(previous);
    expect(within(a).getByRole('group', { name: 'Branches' }).dataset.index).toBe('0');

    // Tab B keeps what it shows.
    expect(answers(b)).toEqual(['Echo: hello again']);
    expect(within(b).getByRole('group', { name: 'Branches' }).textContent).toBe('‹2 / 2›');
  });

  it('Up in the empty message box edits your last message on the path; Esc cancels and gives focus back to Edit', async () => {
    const broker = createBroker();
    running.push(await echoAgent(broker));
    render(<Tab broker={broker} label="Chat" tabId="a" />);
    const chat = region('Chat');
    await send(chat, 'first');
    await send(chat, 'second');
    const box = within(chat).getByRole('textbox', { name: 'Message' });

    fireEvent.change(box, { target: { value: 'draft' } });
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    expect(within(chat).queryByRole('textbox', { name: 'Edit your message' })).toBeNull();

    fireEvent.change(box, { target: { value: '' } });
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    const field = await within(chat).findByRole<HTMLTextAreaElement>('textbox', { name: 'Edit your message' });
    expect(field.value).toBe('second');
    await waitFor(() => expect(document.activeElement).toBe(field));
    const row = field.closest<HTMLElement>('[data-ds-user-message]')!;
    expect(row.dataset.editing).toBe('');
    expect(within(row).getByRole('button', { name: 'Save' }).getAttribute('type')).toBe('submit');

    fireEvent.keyDown(field, { key: 'Escape' });
    expect(within(chat).queryByRole('textbox', { name: 'Edit your message' })).toBeNull();
    expect(userTexts(chat)).toEqual(['first', 'second']);
    await waitFor(() => expect(document.activeElement).toBe(within(row).getByRole('button', { name: 'Edit message' })));

    // Cancel does the same from the button.
    fireEvent.click(within(row).getByRole('button', { name: 'Edit message' }));
    fireEvent.click(within(row).getByRole('button', { name: 'Cancel' }));
    expect(within(chat).queryByRole('textbox', { name: 'Edit your message' })).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(within(row).getByRole('button', { name: 'Edit message' })));
  });

  it("offers no Edit on another participant's message, and shows a refused edit in the row", async () => {
    const broker = createBroker();
    broker.channel(SESSION).create(build.userMessage('turn-bob', 'from bob'), { clientId: 'bob' });
    running.push(await echoAgent(broker));
    render(<Tab broker={broker} label="Chat" tabId="a" maxInputChars={12} />);
    const chat = region('Chat');
    await waitFor(() => expect(userTexts(chat)).toEqual(['from bob']));
    expect(within(chat).queryByRole('button', { name: 'Edit message' })).toBeNull();
    await send(chat, 'short');
    const edit = within(chat).getAllByRole('button', { name: 'Edit message' });
    expect(edit).toHaveLength(1);
    fireEvent.click(edit[0]);
    const field = within(chat).getByRole('textbox', { name: 'Edit your message' });
    const save = within(chat).getByRole('button', { name: 'Save' });
    // Unchanged text would only repeat the branch beside it.
    expect(save.getAttribute('aria-disabled')).toBe('true');
    fireEvent.change(field, { target: { value: 'far longer than allowed' } });
    expect(save.getAttribute('aria-disabled')).toBe('false');
    fireEvent.click(save);
    const alert = await within(chat).findByRole('alert');
    expect(alert.textContent).toMatch(/^Not edited: The message is 23 characters; the limit is 12/);
    expect(field.closest('[data-ds-user-message]')!.contains(alert)).toBe(true);
    // Still open with the text kept, so it can be shortened and saved.
    expect(within(chat).getByRole<HTMLTextAreaElement>('textbox', { name: 'Edit your message' }).value).toBe('far longer than allowed');
    expect(chat.querySelector('[data-ds-branch-picker]')).toBeNull();
  });
});
