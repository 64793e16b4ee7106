import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { DurableChat, type DurableChatProps } from '../src/components/durable-chat.js';
import { createDemoWorld, expectedAnswer, seededWorld, type AgentSpec, type DemoWorld } from './support/demo-world.js';
import { contentOf, lastResponse, sendMessage, STREAM_TIMEOUT, waitForAgent, waitForStatus, waitForStreaming } from './support/play.js';
import { useAgents } from './support/use-agents.js';

interface LiveChatProps extends DurableChatProps {
  world: DemoWorld;
  agents: AgentSpec[];
}

function LiveChat({ world, agents, ...props }: LiveChatProps): ReactNode {
  useAgents(world, agents);
  return <DurableChat sessionId={world.sessionId} transport={world.tab(1)} device="This laptop" {...props} />;
}

/** A slow, long answer: long enough that stopping or steering always lands mid-stream. */
const SLOW: AgentSpec = { agentId: 'demo', tokensPerSecond: 12, tokens: 400, thinkMs: 50 };

const meta = {
  title: 'Components/DurableChat',
  component: DurableChat,
  parameters: { layout: 'padded' },
  args: { label: 'Chat' },
  loaders: [async () => ({ world: createDemoWorld() })],
  render: (args, { loaded }) => <LiveChat world={loaded.world as DemoWorld} agents={[{ agentId: 'demo', tokensPerSecond: 20, tokens: 60 }]} {...args} />,
} satisfies Meta<typeof DurableChat>;

export default meta;
type Story = StoryObj<typeof meta>;

/** An empty chat with the demo agent present; type a message and press Enter. */
export const Default: Story = {
  play: async ({ canvasElement }) => {
    await waitForAgent(canvasElement);
    expect(within(canvasElement).getByText('No messages yet.')).toBeTruthy();
    expect(within(canvasElement).getByText('You on 1 tab')).toBeTruthy();
  },
};

/** Opens on a thread from history: one complete answer and one the user stopped. */
export const WithHistory: Story = {
  loaders: [
    async () => ({
      world: await seededWorld([
        { prompt: 'What makes a session durable?', agent: { agentId: 'demo', tokensPerSecond: 500, tokens: 24, thinkMs: 0 } },
        { prompt: 'And if I close the tab?', agent: { agentId: 'demo', tokensPerSecond: 40, tokens: 400, thinkMs: 0 }, outcome: 'cancelled' },
      ]),
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByText('What makes a session durable?', {}, STREAM_TIMEOUT);
    await waitFor(() => {
      const statuses = [...canvasElement.querySelectorAll<HTMLElement>('[data-ds-streaming-message]')].map((e) => e.dataset.status);
      expect(statuses).toEqual(['complete', 'cancelled']);
    }, STREAM_TIMEOUT);
    expect(canvas.getByText('Cancelled')).toBeTruthy();
  },
};

/** Stop mid-stream: the response ends `cancelled` and the button goes stopping → stopped → idle. */
export const StopMidStream: Story = {
  render: (args, { loaded }) => <LiveChat world={loaded.world as DemoWorld} agents={[SLOW]} {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitForAgent(canvasElement);
    await sendMessage(canvasElement, 'Tell me a long story');
    const response = await waitForStreaming(canvasElement, 2);
    const stop = canvas.getByRole('button', { name: 'Stop' });
    expect(stop.dataset.state).toBe('idle');
    await userEvent.click(stop);
    await waitForStatus(response, 'cancelled');
    expect(within(response).getByText('Cancelled')).toBeTruthy();
    expect(response.querySelector('[data-part="cursor"]')).toBeNull();
    // The button is the same element throughout; it shows the acknowledgement, then settles.
    await waitFor(() => expect(stop.dataset.state).toBe('stopped'), STREAM_TIMEOUT);
    await waitFor(() => expect(stop.dataset.state).toBe('idle'), STREAM_TIMEOUT);
    expect(stop.getAttribute('aria-disabled')).toBe('true');
  },
};

/** Steer mid-stream: the agent acknowledges in the text, and the rest of the answer follows the steer. */
export const SteerMidStream: Story = {
  render: (args, { loaded }) => <LiveChat world={loaded.world as DemoWorld} agents={[SLOW]} {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitForAgent(canvasElement);
    await sendMessage(canvasElement, 'Describe the weather');
    const response = await waitForStreaming(canvasElement, 1);
    const steer = canvas.getByRole('textbox', { name: 'Steer the response' });
    await userEvent.type(steer, 'purple monkeys{Enter}');
    await canvas.findByText('Applied: “purple monkeys”', {}, STREAM_TIMEOUT);
    await waitFor(() => expect(contentOf(response)).toMatch(/ — and, as you asked, “purple monkeys”: \S+ \S+ \S+/), STREAM_TIMEOUT);
    await userEvent.click(canvas.getByRole('button', { name: 'Stop' }));
    await waitForStatus(response, 'cancelled');
    const [before, after] = contentOf(response).split(' — and, as you asked, “purple monkeys”: ');
    expect(before.trim().length).toBeGreaterThan(0);
    // A steer the demo agent does not recognise is quoted back, then followed in general terms.
    expect(after).toMatch(/^From here on/);
  },
};

/** The whole chat without a mouse: Enter sends, Esc stops, Tab reaches the steer field. */
export const KeyboardOnly: Story = {
  render: (args, { loaded }) => <LiveChat world={loaded.world as DemoWorld} agents={[SLOW]} {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitForAgent(canvasElement);
    const box = canvas.getByRole('textbox', { name: 'Message' });
    // Tab from the start of the canvas: the thread (a focusable scroll region), then the message box.
    (document.activeElement as HTMLElement | null)?.blur();
    await userEvent.tab();
    expect(document.activeElement).toBe(canvas.getByRole('region', { name: 'Chat messages' }));
    await userEvent.tab();
    expect(document.activeElement).toBe(box);

    await userEvent.keyboard('First question{Enter}');
    const first = await waitForStreaming(canvasElement, 1);
    expect((box as HTMLTextAreaElement).value).toBe('');
    await userEvent.keyboard('{Escape}');
    await waitForStatus(first, 'cancelled');

    await userEvent.keyboard('Second question{Enter}');
    await waitFor(() => expect(lastResponse(canvasElement)).not.toBe(first), STREAM_TIMEOUT);
    const second = await waitForStreaming(canvasElement, 1);
    await userEvent.tab();
    expect(document.activeElement).toBe(canvas.getByRole('button', { name: 'Send' }));
    await userEvent.tab();
    expect(document.activeElement).toBe(canvas.getByRole('button', { name: 'Stop' }));
    await userEvent.tab();
    expect(document.activeElement).toBe(canvas.getByRole('button', { name: 'Attach' }));
    await userEvent.tab();
    expect(document.activeElement).toBe(canvas.getByRole('textbox', { name: 'Steer the response' }));
    await userEvent.keyboard('green tea{Enter}');
    await canvas.findByText('Applied: “green tea”', {}, STREAM_TIMEOUT);
    await waitFor(() => expect(contentOf(second)).toContain('— and, as you asked, “green tea”:'), STREAM_TIMEOUT);
    await userEvent.keyboard('{Escape}');
    await waitForStatus(second, 'cancelled');
  },
};

const FAST: AgentSpec = { agentId: 'demo', tokensPerSecond: 500, tokens: 16, thinkMs: 0 };

/**
 * Up in the empty message box opens the editor of your last message; Enter sends the edit as a new
 * branch, which the agent answers, and the picker pages between the two.
 */
export const EditWithUpArrow: Story = {
  loaders: [async () => ({ world: await seededWorld([{ prompt: 'Plan a day in Oslo', agent: FAST }]) })],
  render: (args, { loaded }) => <LiveChat world={loaded.world as DemoWorld} agents={[FAST]} {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitForAgent(canvasElement);
    await waitFor(() => expect(lastResponse(canvasElement).dataset.status).toBe('complete'), STREAM_TIMEOUT);
    await userEvent.click(canvas.getByRole('textbox', { name: 'Message' }));
    await userEvent.keyboard('{ArrowUp}');
    const field = canvas.getByRole<HTMLTextAreaElement>('textbox', { name: 'Edit your message' });
    await waitFor(() => expect(document.activeElement).toBe(field));
    expect(field.value).toBe('Plan a day in Oslo');
    await userEvent.keyboard(' with kids{Enter}');
    const picker = await canvas.findByRole('group', { name: 'Branches' }, STREAM_TIMEOUT);
    await waitFor(() => expect(picker.textContent).toBe('‹2 / 2›'), STREAM_TIMEOUT);
    await waitFor(() => expect(lastResponse(canvasElement).dataset.status).toBe('complete'), STREAM_TIMEOUT);
    expect(contentOf(lastResponse(canvasElement))).toBe(expectedAnswer('Plan a day in Oslo with kids', 16));
  },
};

/** Without the steer field and presence: just thread, banner and composer. */
export const Minimal: Story = {
  args: { showSteer: false, showPresence: false, placeholder: 'Say something' },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    expect(canvas.queryByRole('textbox', { name: 'Steer the response' })).toBeNull();
    expect(canvas.queryByRole('group', { name: 'Who is here' })).toBeNull();
    expect(canvas.getByPlaceholderText('Say something')).toBeTruthy();
  },
};

/** Dark theme via `data-theme`. */
export const Dark: Story = {
  args: { 'data-theme': 'dark' } as DurableChatProps,
  play: async ({ canvasElement }) => {
    await waitForAgent(canvasElement);
    expect(within(canvasElement).getByRole('region', { name: 'Chat' }).dataset.theme).toBe('dark');
  },
};
