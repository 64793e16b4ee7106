import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { StopButton, type StopButtonProps } from '../src/components/stop-button.js';
import { StreamingMessage } from '../src/components/streaming-message.js';
import { createDemoWorld, type DemoWorld } from './support/demo-world.js';
import { STREAM_TIMEOUT, waitForStatus } from './support/play.js';
import { SessionFrame } from './support/session-frame.js';

function Frame({ world, ...props }: StopButtonProps & { world: DemoWorld }): ReactNode {
  return (
    <SessionFrame world={world}>
      <StreamingMessage />
      <StopButton {...props} />
    </SessionFrame>
  );
}

/** A world whose agent is mid-way through a long answer; `offline` then cuts the agent off. */
async function streamingWorld(offline = false) {
  const world = createDemoWorld();
  const agent = world.startAgent({ agentId: 'demo', tokensPerSecond: 10, tokens: 400, thinkMs: 0 });
  await agent.ready;
  await world.started(await world.send('A long answer please'));
  if (offline) agent.transport.disconnect();
  return { world, agent };
}

const response = (root: HTMLElement) => root.querySelector<HTMLElement>('[data-ds-streaming-message]')!;

const meta = {
  title: 'Components/StopButton',
  component: StopButton,
  loaders: [async () => streamingWorld()],
  render: (args, { loaded }) => <Frame world={loaded.world as DemoWorld} {...args} />,
  // Loaders start the agent before render; this stops it when the story is left.
  beforeEach: ({ loaded }) => () => (loaded.agent as { stop: () => void } | undefined)?.stop(),
} satisfies Meta<typeof StopButton>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Nothing to stop: `data-state="idle"`, `aria-disabled`, still focusable. */
export const Idle: Story = {
  loaders: [async () => ({ world: createDemoWorld() })],
  play: async ({ canvasElement }) => {
    const button = within(canvasElement).getByRole('button', { name: 'Stop' });
    expect(button.dataset.state).toBe('idle');
    expect(button.getAttribute('aria-disabled')).toBe('true');
    button.focus();
    expect(document.activeElement).toBe(button);
  },
};

/** A response is streaming: the button is live. */
export const Active: Story = {
  play: async ({ canvasElement }) => {
    const button = within(canvasElement).getByRole('button', { name: 'Stop' });
    await waitFor(() => expect(button.getAttribute('aria-disabled')).toBe('false'), STREAM_TIMEOUT);
    expect(button.dataset.state).toBe('idle');
    expect(button.getAttribute('aria-keyshortcuts')).toBe('Escape');
  },
};

/** The cancel is sent but the agent has not acknowledged it (it is offline): "Stopping…". */
export const Stopping: Story = {
  loaders: [async () => streamingWorld(true)],
  play: async ({ canvasElement }) => {
    const button = within(canvasElement).getByRole('button', { name: 'Stop' });
    await waitFor(() => expect(button.getAttribute('aria-disabled')).toBe('false'), STREAM_TIMEOUT);
    await userEvent.click(button);
    await waitFor(() => expect(button.dataset.state).toBe('stopping'), STREAM_TIMEOUT);
    expect(button.textContent).toBe('Stopping…');
    expect(response(canvasElement).dataset.status).toBe('streaming');
  },
};

/** The agent ended the response `cancelled`: "Stopped" (held here with a long `stoppedMs`). */
export const Stopped: Story = {
  args: { stoppedMs: 1e9 },
  play: async ({ canvasElement }) => {
    const button = within(canvasElement).getByRole('button', { name: 'Stop' });
    await waitFor(() => expect(button.getAttribute('aria-disabled')).toBe('false'), STREAM_TIMEOUT);
    await userEvent.click(button);
    await waitForStatus(response(canvasElement), 'cancelled');
    await waitFor(() => expect(button.dataset.state).toBe('stopped'), STREAM_TIMEOUT);
    expect(button.textContent).toBe('Stopped');
  },
};

/** Esc stops while focus is anywhere inside the chat. */
export const EscapeShortcut: Story = {
  play: async ({ canvasElement }) => {
    const button = within(canvasElement).getByRole('button', { name: 'Stop' });
    await waitFor(() => expect(button.getAttribute('aria-disabled')).toBe('false'), STREAM_TIMEOUT);
    response(canvasElement).setAttribute('tabindex', '-1');
    response(canvasElement).focus();
    await userEvent.keyboard('{Escape}');
    await waitForStatus(response(canvasElement), 'cancelled');
    response(canvasElement).removeAttribute('tabindex');
  },
};

/** The app's `onClick` runs first and can `preventDefault()`: here it vetoes the stop. */
export const ConsumerVeto: Story = {
  args: { onClick: (e) => e.preventDefault(), children: 'Stop (vetoed)' },
  play: async ({ canvasElement }) => {
    const button = within(canvasElement).getByRole('button', { name: 'Stop (vetoed)' });
    await waitFor(() => expect(button.getAttribute('aria-disabled')).toBe('false'), STREAM_TIMEOUT);
    await userEvent.click(button);
    // A stop that ran would have switched the state synchronously, in the same click.
    expect(button.dataset.state).toBe('idle');
    expect(button.getAttribute('aria-disabled')).toBe('false');
    expect(response(canvasElement).dataset.status).toBe('streaming');
  },
};

/** The label as a function of the state. */
export const CustomLabel: Story = {
  args: { children: (state) => (state === 'idle' ? 'Stop generating' : state === 'stopping' ? 'Stopping it…' : 'Stopped it') },
  play: async ({ canvasElement }) => {
    expect(within(canvasElement).getByRole('button', { name: 'Stop generating' })).toBeTruthy();
  },
};
