import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState, type ReactNode } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { Composer, type ComposerProps } from '../src/components/composer.js';
import { MessageList } from '../src/components/message-list.js';
import { StopButton } from '../src/components/stop-button.js';
import { createDemoWorld, type DemoWorld } from './support/demo-world.js';
import { STREAM_TIMEOUT } from './support/play.js';
import { SessionFrame } from './support/session-frame.js';
import { useAgents } from './support/use-agents.js';

function Frame({ world, ...props }: ComposerProps & { world: DemoWorld }): ReactNode {
  useAgents(world, [{ agentId: 'demo', tokensPerSecond: 10, tokens: 400, thinkMs: 0 }]);
  return (
    <SessionFrame world={world}>
      <MessageList />
      <Composer {...props}>
        <StopButton />
      </Composer>
    </SessionFrame>
  );
}

/** An app that owns the draft: it starts one, counts what is typed and can rewrite it. */
function ControlledFrame({ world }: { world: DemoWorld }): ReactNode {
  const [draft, setDraft] = useState('A draft the app kept');
  return (
    <>
      <Frame world={world} value={draft} onValueChange={setDraft} />
      <p data-testid="draft-length">{draft.length} characters</p>
      <button type="button" onClick={() => setDraft((d) => d.toUpperCase())}>
        Shout
      </button>
    </>
  );
}

const form = (root: HTMLElement) => root.querySelector<HTMLFormElement>('[data-ds-composer]')!;

const meta = {
  title: 'Components/Composer',
  component: Composer,
  loaders: [async () => ({ world: createDemoWorld() })],
  render: (args, { loaded }) => <Frame world={loaded.world as DemoWorld} {...args} />,
} satisfies Meta<typeof Composer>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Ready: Enter sends and clears the box; Shift+Enter adds a line. */
export const Default: Story = {
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    await (loaded.world as DemoWorld).agentReady('demo');
    const box = canvas.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' });
    await userEvent.type(box, 'line one{Shift>}{Enter}{/Shift}line two');
    expect(box.value).toBe('line one\nline two');
    await userEvent.keyboard('{Enter}');
    expect(box.value).toBe('');
    await canvas.findByText('line one line two', { normalizer: (s) => s.replace(/\s+/g, ' ').trim() }, STREAM_TIMEOUT);
  },
};

/** A turn is running: `data-busy`, and Enter waits instead of sending a second message. */
export const Busy: Story = {
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    await (loaded.world as DemoWorld).agentReady('demo');
    const box = canvas.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' });
    await userEvent.type(box, 'first{Enter}');
    await waitFor(() => expect(form(canvasElement).dataset.status).toBe('streaming'), STREAM_TIMEOUT);
    expect(form(canvasElement).dataset.busy).toBe('');
    await userEvent.type(box, 'second{Enter}');
    expect(box.value).toBe('second');
    expect(canvas.getByRole('button', { name: 'Send' }).getAttribute('aria-disabled')).toBe('true');
    await userEvent.click(canvas.getByRole('button', { name: 'Stop' }));
  },
};

/** The app's `onSubmit` runs first; `preventDefault()` keeps the message unsent. */
export const ConsumerVeto: Story = {
  args: { onSubmit: (e) => e.preventDefault() },
  play: async ({ canvasElement }) => {
    const box = within(canvasElement).getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' });
    await userEvent.type(box, 'not this one{Enter}');
    expect(box.value).toBe('not this one');
    expect(within(canvasElement).getByText('No messages yet.')).toBeTruthy();
  },
};

/** Controlled: the app holds the text (`value` + `onValueChange`), sees every change and can rewrite it. */
export const Controlled: Story = {
  render: (_args, { loaded }) => <ControlledFrame world={loaded.world as DemoWorld} />,
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    await (loaded.world as DemoWorld).agentReady('demo');
    const box = canvas.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' });
    expect(box.value).toBe('A draft the app kept');
    await userEvent.clear(box);
    await userEvent.type(box, 'hello there');
    expect(canvas.getByTestId('draft-length').textContent).toBe('11 characters');
    await userEvent.click(canvas.getByRole('button', { name: 'Shout' }));
    expect(box.value).toBe('HELLO THERE');
    await userEvent.type(box, '{Enter}');
    expect(box.value).toBe('');
    expect(canvas.getByTestId('draft-length').textContent).toBe('0 characters');
    await canvas.findByText('HELLO THERE', {}, STREAM_TIMEOUT);
  },
};

/** The text field's own `onKeyDown` runs first: `preventDefault()` on Enter leaves sending to the button. */
export const EnterVetoed: Story = {
  args: { textareaProps: { onKeyDown: (e) => e.key === 'Enter' && e.preventDefault() }, buttonProps: { title: 'Send your message' } },
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    await (loaded.world as DemoWorld).agentReady('demo');
    const box = canvas.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' });
    await userEvent.type(box, 'only by click{Enter}');
    expect(box.value).toBe('only by click');
    const send = canvas.getByRole('button', { name: 'Send' });
    expect(send.title).toBe('Send your message');
    await userEvent.click(send);
    expect(box.value).toBe('');
    await canvas.findByText('only by click', { selector: '[data-ds-user-message] *' }, STREAM_TIMEOUT);
  },
};

/** Attach files by URL: chips can be removed, unsafe URLs are refused, and the message carries the rest. */
export const WithAttachments: Story = {
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    await (loaded.world as DemoWorld).agentReady('demo');
    const attach = canvas.getByRole('button', { name: 'Attach' });
    expect(attach.getAttribute('aria-expanded')).toBe('false');
    await userEvent.click(attach);
    expect(attach.getAttribute('aria-expanded')).toBe('true');
    const url = canvas.getByRole<HTMLInputElement>('textbox', { name: 'File URL' });
    await waitFor(() => expect(document.activeElement).toBe(url));
    await userEvent.type(url, 'javascript:alert(1){Enter}');
    expect(canvas.getByRole('alert').textContent).toBe('Use an http(s), data: or blob: URL.');
    expect(canvas.queryByRole('list', { name: 'Attachments' })).toBeNull();
    await userEvent.clear(url);
    await userEvent.type(url, 'https://example.com/cat.png{Enter}');
    await userEvent.type(url, 'https://example.com/notes.pdf');
    await userEvent.click(canvas.getByRole('button', { name: 'Add' }));
    const chips = canvas.getByRole('list', { name: 'Attachments' });
    expect(within(chips).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['cat.png×', 'notes.pdf×']);
    await userEvent.click(within(chips).getByRole('button', { name: 'Remove notes.pdf' }));
    expect(within(chips).getAllByRole('listitem')).toHaveLength(1);
    // Enter in the URL field added a file; it did not send the message.
    expect(canvas.getByText('No messages yet.')).toBeTruthy();
    await userEvent.type(canvas.getByRole('textbox', { name: 'Message' }), 'What is in this picture?{Enter}');
    const sent = await canvas.findByText('What is in this picture?', { selector: '[data-ds-user-message] *' }, STREAM_TIMEOUT);
    const message = sent.closest<HTMLElement>('[data-ds-user-message]')!;
    expect(within(message).getByRole('img', { name: 'cat.png' }).getAttribute('src')).toBe('https://example.com/cat.png');
    expect(canvas.queryByRole('list', { name: 'Attachments', hidden: false })?.closest('[data-ds-composer]') ?? null).toBeNull();
    await userEvent.click(canvas.getByRole('button', { name: 'Stop' }));
  },
};
