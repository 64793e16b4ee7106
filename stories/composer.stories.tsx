import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
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
