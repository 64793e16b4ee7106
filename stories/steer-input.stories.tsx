import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState, type ReactNode } from 'react';
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

/** An app that owns the steer text: it echoes what is typed and can suggest a steer of its own. */
function ControlledFrame({ world }: { world: DemoWorld }): ReactNode {
  const [text, setText] = useState('');
  return (
    <>
      <Frame world={world} value={text} onValueChange={setText} />
      <p data-testid="echo">App sees: {text || '(nothing)'}</p>
      <button type="button" onClick={() => setText('only pears')}>
        Suggest pears
      </button>
    </>
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

/** Controlled: the app holds the text (`value` + `onValueChange`), sees typing and can fill the field. */
export const Controlled: Story = {
  render: (_args, { loaded }) => <ControlledFrame world={loaded.world as DemoWorld} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(form(canvasElement).dataset.state).toBe('active'), STREAM_TIMEOUT);
    const field = canvas.getByRole<HTMLInputElement>('textbox', { name: 'Steer the response' });
    await userEvent.type(field, 'be brief');
    expect(canvas.getByTestId('echo').textContent).toBe('App sees: be brief');
    await userEvent.click(canvas.getByRole('button', { name: 'Suggest pears' }));
    expect(field.value).toBe('only pears');
    await userEvent.type(field, '{Enter}');
    await canvas.findByText('Applied: “only pears”', {}, STREAM_TIMEOUT);
    expect(field.value).toBe('');
    expect(canvas.getByTestId('echo').textContent).toBe('App sees: (nothing)');
  },
};

/** Props reach the inner field and button; the field's `onChange` runs first, and `preventDefault()` there drops the change (here: digits). */
export const InnerProps: Story = {
  args: {
    inputProps: { maxLength: 12, onChange: (e) => /\d/.test(e.target.value) && e.preventDefault() },
    buttonProps: { title: 'Send the steer now' },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const field = canvas.getByRole<HTMLInputElement>('textbox', { name: 'Steer the response' });
    expect(field.maxLength).toBe(12);
    await userEvent.type(field, 'ab1c2');
    expect(field.value).toBe('abc');
    expect(canvas.getByRole('button', { name: 'Steer' }).title).toBe('Send the steer now');
  },
};
