import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ToolCall, type ToolCallProps } from '../src/components/tool-call.js';
import type { ToolCallPart, ToolCallState } from '../src/core/parts.js';
import { createDemoWorld, type DemoWorld } from './support/demo-world.js';
import { EMAIL_CALL, toolHandler, WEATHER_CALL } from './support/part-handlers.js';
import { STREAM_TIMEOUT } from './support/play.js';
import { SessionFrame } from './support/session-frame.js';
import { useAgents } from './support/use-agents.js';

type FrameProps = Omit<ToolCallProps, 'toolCallId' | 'part'> & { world: DemoWorld; state: ToolCallState };

function Frame({ world, state, ...props }: FrameProps): ReactNode {
  useAgents(world, [{ agentId: 'demo', handler: toolHandler(state) }]);
  const id = state === 'awaiting-approval' || state === 'denied' ? EMAIL_CALL : WEATHER_CALL;
  return (
    <SessionFrame world={world}>
      <ToolCall toolCallId={id} {...props} />
    </SessionFrame>
  );
}

const call = (root: HTMLElement) => root.querySelector<HTMLElement>('[data-ds-tool-call]');

/** Sends a message so the story's agent starts its turn, then waits for the call to reach `state`. */
async function reach(root: HTMLElement, world: DemoWorld, state: ToolCallState): Promise<HTMLElement> {
  await world.agentReady('demo');
  await world.send('What is the weather in Paris?');
  await waitFor(() => expect(call(root)?.dataset.state).toBe(state), STREAM_TIMEOUT);
  return call(root)!;
}

const meta = {
  title: 'Components/ToolCall',
  args: { state: 'input-streaming' },
  loaders: [async () => ({ world: createDemoWorld() })],
  render: (args, { loaded }) => <Frame {...args} world={loaded.world as DemoWorld} />,
} satisfies Meta<Omit<FrameProps, 'world'>>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The model is still writing the arguments: the partial JSON shows as it streams, `aria-busy`. */
export const InputStreaming: Story = {
  args: { state: 'input-streaming' },
  play: async ({ canvasElement, loaded }) => {
    const el = await reach(canvasElement, loaded.world as DemoWorld, 'input-streaming');
    expect(within(el).getByText('weather')).toBeTruthy();
    expect(within(el).getByText('Preparing…')).toBeTruthy();
    expect(el.querySelector('[data-part="input"]')!.textContent).toBe('{"city":"Par');
    expect(el.getAttribute('aria-busy')).toBe('true');
  },
};

/** The input is complete and parsed; shown as formatted JSON. */
export const InputAvailable: Story = {
  args: { state: 'input-available' },
  play: async ({ canvasElement, loaded }) => {
    const el = await reach(canvasElement, loaded.world as DemoWorld, 'input-available');
    expect(el.querySelector('[data-part="input"]')!.textContent).toBe(JSON.stringify({ city: 'Paris' }, null, 2));
    expect(within(el).getByText('Ready')).toBeTruthy();
  },
};

/** Running: a spinner (hidden from screen readers) beside "Running…". */
export const Running: Story = {
  args: { state: 'running' },
  play: async ({ canvasElement, loaded }) => {
    const el = await reach(canvasElement, loaded.world as DemoWorld, 'running');
    expect(within(el).getByText('Running…')).toBeTruthy();
    expect(el.querySelector('[data-part="spinner"]')!.getAttribute('aria-hidden')).toBe('true');
    expect(el.getAttribute('aria-busy')).toBe('true');
  },
};

/** Done: the output, as text. */
export const OutputAvailable: Story = {
  args: { state: 'output-available' },
  play: async ({ canvasElement, loaded }) => {
    const el = await reach(canvasElement, loaded.world as DemoWorld, 'output-available');
    expect(within(el).getByText('Done')).toBeTruthy();
    expect(JSON.parse(el.querySelector('[data-part="output"]')!.textContent!)).toEqual({ city: 'Paris', tempC: 18, conditions: 'partly cloudy' });
    expect(el.querySelector('[data-part="spinner"]')).toBeNull();
    expect(el.getAttribute('aria-busy')).toBe('false');
  },
};

/** Failed: the tool's error message. */
export const OutputError: Story = {
  args: { state: 'output-error' },
  play: async ({ canvasElement, loaded }) => {
    const el = await reach(canvasElement, loaded.world as DemoWorld, 'output-error');
    expect(within(el).getByText('Failed')).toBeTruthy();
    expect(within(el).getByText('The weather service timed out')).toBeTruthy();
  },
};

/** Needs a person: the approval prompt is part of the call. */
export const AwaitingApproval: Story = {
  args: { state: 'awaiting-approval' },
  play: async ({ canvasElement, loaded }) => {
    const el = await reach(canvasElement, loaded.world as DemoWorld, 'awaiting-approval');
    expect(within(el).getByText('send_email')).toBeTruthy();
    expect(within(el).getByText('Waiting for approval')).toBeTruthy();
    expect(within(el).getByRole('button', { name: 'Approve' })).toBeTruthy();
  },
};

/** Denied: the call ends without running, and says who denied it and why. */
export const Denied: Story = {
  args: { state: 'denied' },
  play: async ({ canvasElement, loaded }) => {
    const world = loaded.world as DemoWorld;
    const el = await reach(canvasElement, world, 'awaiting-approval');
    const canvas = within(el);
    await userEvent.type(canvas.getByRole('textbox', { name: 'Reason for denying (optional)' }), 'wrong list');
    await userEvent.click(canvas.getByRole('button', { name: 'Deny' }));
    await waitFor(() => expect(el.dataset.state).toBe('denied'), STREAM_TIMEOUT);
    expect(within(el).getByRole('status').textContent).toBe('Denied by you: wrong list');
    expect(canvas.queryByRole('button', { name: 'Approve' })).toBeNull();
  },
};

/** An app's own renderer for a tool name replaces the default body. */
export const CustomRenderer: Story = {
  args: {
    state: 'output-available',
    renderers: {
      weather: (p: ToolCallPart) => <p data-testid="card">{p.state === 'output-available' ? `${(p.output as { tempC: number }).tempC} °C in Paris` : 'Looking outside…'}</p>,
    },
  },
  play: async ({ canvasElement, loaded }) => {
    const el = await reach(canvasElement, loaded.world as DemoWorld, 'output-available');
    expect(within(el).getByTestId('card').textContent).toBe('18 °C in Paris');
    expect(el.querySelector('[data-part="output"]')).toBeNull();
  },
};
