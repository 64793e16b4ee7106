import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { SteerInput, type SteerInputProps } from '../src/components/steer-input.js';
import { StreamingMessage } from '../src/components/streaming-message.js';
import { createDemoWorld, type DemoWorld } from './support/demo-world.js';
import { contentOf, STREAM_TIMEOUT } from './support/play.js';
import { SessionFrame } from './support/session-frame.js';

function Frame({ world, ...props }: SteerInputProps & { world: DemoWorld }): ReactNode {
  return (
    <SessionFrame world={world}>
      <StreamingMessage />
      <SteerInput {...props} />
    </SessionFrame>
  );
}

async function streamingWorld(offline = false) {
  const world = createDemoWorld();
  const agent = world.startAgent({ agentId: 'demo', tokensPerSecond: 10, tokens: 400, thinkMs: 0 });
  await agent.ready;
  await world.started(await world.send('Talk about anything'));
  if (offline) agent.transport.disconnect();
  return { world, agent };
}

const form = (root: HTMLElement) => root.querySelector<HTMLFormElement>('[data-ds-steer-input]')!;

const meta = {
  title: 'Components/SteerInput',
  component: SteerInput,
  loaders: [async () => streamingWorld()],
  beforeEach: ({ loaded }) => () => (loaded.agent as { stop: () => void } | undefined)?.stop(),
  render: (args, { loaded }) => <Frame world={loaded.world as DemoWorld} {...args} />,
} satisfies Meta<typeof SteerInput>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Nothing running: submitting says so instead of sending. */
export const Idle: Story = {
  loaders: [async () => ({ world: createDemoWorld() })],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    expect(form(canvasElement).dataset.state).toBe('idle');
    await userEvent.type(canvas.getByRole('textbox', { name: 'Steer the response' }), 'be brief{Enter}');
    expect(await canvas.findByText('Nothing is running to steer.')).toBeTruthy();
    expect(form(canvasElement).dataset.ack).toBe('unavailable');
  },
};

/** A response is streaming: the field is live. */
export const Active: Story = {
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(form(canvasElement).dataset.state).toBe('active'), STREAM_TIMEOUT);
    expect(form(canvasElement).dataset.ack).toBe('none');
  },
};

/** The agent applied the steer: the ack says so and the text acknowledges it before following it. */
export const Applied: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(form(canvasElement).dataset.state).toBe('active'), STREAM_TIMEOUT);
    await userEvent.type(canvas.getByRole('textbox', { name: 'Steer the response' }), 'only oranges{Enter}');
    await canvas.findByText('Applied: “only oranges”', {}, STREAM_TIMEOUT);
    expect(form(canvasElement).dataset.ack).toBe('applied');
    expect(canvas.getByRole('textbox', { name: 'Steer the response' })).toHaveProperty('value', '');
    const response = canvasElement.querySelector<HTMLElement>('[data-ds-streaming-message]')!;
    await waitFor(() => expect(contentOf(response)).toMatch(/ — and, as you asked, “only oranges”: From here on/), STREAM_TIMEOUT);
  },
};

/** Sent, but the agent is offline: the ack waits at "Sending steer …". */
export const Sending: Story = {
  loaders: [async () => streamingWorld(true)],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(form(canvasElement).dataset.state).toBe('active'), STREAM_TIMEOUT);
    await userEvent.type(canvas.getByRole('textbox', { name: 'Steer the response' }), 'hold on{Enter}');
    await canvas.findByText('Sending steer “hold on”…', {}, STREAM_TIMEOUT);
    expect(form(canvasElement).dataset.ack).toBe('sending');
  },
};
