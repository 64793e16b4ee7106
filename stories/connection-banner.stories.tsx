import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
import { expect, waitFor } from 'storybook/test';
import { ConnectionBanner, type ConnectionBannerProps } from '../src/components/connection-banner.js';
import { StreamingMessage } from '../src/components/streaming-message.js';
import { createDemoWorld, expectedAnswer, seededWorld, type DemoWorld } from './support/demo-world.js';
import { bannerOf, contentOf, STREAM_TIMEOUT, waitForStatus } from './support/play.js';
import { SessionFrame } from './support/session-frame.js';
import { useAgents } from './support/use-agents.js';

function Frame({ world, ...props }: ConnectionBannerProps & { world: DemoWorld }): ReactNode {
  useAgents(world, [{ agentId: 'demo', tokensPerSecond: 40, tokens: 30, thinkMs: 0 }]);
  return (
    <SessionFrame world={world}>
      <ConnectionBanner {...props} />
      <StreamingMessage />
    </SessionFrame>
  );
}

const meta = {
  title: 'Components/ConnectionBanner',
  component: ConnectionBanner,
  args: { noticeMs: Infinity },
  loaders: [async () => ({ world: createDemoWorld() })],
  render: (args, { loaded }) => <Frame world={loaded.world as DemoWorld} {...args} />,
} satisfies Meta<typeof ConnectionBanner>;

export default meta;
type Story = StoryObj<typeof meta>;

const connected = async (root: HTMLElement) => waitFor(() => expect(bannerOf(root).dataset.connection).toBe('connected'), STREAM_TIMEOUT);

/** Connected and nothing to report: the live region is present and empty. */
export const Connected: Story = {
  play: async ({ canvasElement }) => {
    await connected(canvasElement);
    expect(bannerOf(canvasElement).dataset.state).toBe('hidden');
    expect(bannerOf(canvasElement).textContent).toBe('');
    expect(bannerOf(canvasElement).getAttribute('role')).toBe('status');
  },
};

/** The connection dropped. */
export const Reconnecting: Story = {
  play: async ({ canvasElement, loaded }) => {
    const world = loaded.world as DemoWorld;
    await connected(canvasElement);
    world.tab(1).disconnect();
    await waitFor(() => expect(bannerOf(canvasElement).textContent).toBe('Reconnecting…'), STREAM_TIMEOUT);
    expect(bannerOf(canvasElement).dataset.state).toBe('reconnecting');
  },
};

/**
 * Back with continuity: whatever streamed meanwhile arrives, nothing lost. (The thread already holds
 * a message, so the connection has a serial to resume from.)
 */
export const Resumed: Story = {
  loaders: [async () => ({ world: await seededWorld([{ prompt: 'Before the drop', agent: { agentId: 'demo', tokensPerSecond: 500, tokens: 5, thinkMs: 0 } }]) })],
  play: async ({ canvasElement, loaded }) => {
    const world = loaded.world as DemoWorld;
    await connected(canvasElement);
    await world.agentReady('demo');
    world.tab(1).disconnect();
    const turnId = await world.send('While you were away');
    await world.settled(turnId);
    await world.tab(1).reconnect();
    await waitFor(() => expect(bannerOf(canvasElement).textContent).toBe('Resumed — nothing lost'), STREAM_TIMEOUT);
    const response = canvasElement.querySelector<HTMLElement>('[data-ds-streaming-message]')!;
    await waitFor(() => expect(contentOf(response)).toBe(expectedAnswer('While you were away', 30)), STREAM_TIMEOUT);
    expect(response.dataset.status).toBe('complete');
  },
};

/** Back without continuity: the thread was rebuilt from history. */
export const CaughtUp: Story = {
  play: async ({ canvasElement, loaded }) => {
    const world = loaded.world as DemoWorld;
    await connected(canvasElement);
    await world.agentReady('demo');
    world.tab(1).disconnect();
    const turnId = await world.send('Missed entirely');
    await world.settled(turnId);
    await world.tab(1).forceDiscontinuity();
    await world.tab(1).reconnect();
    await waitFor(() => expect(bannerOf(canvasElement).textContent).toBe('Caught up from history'), STREAM_TIMEOUT);
    expect(bannerOf(canvasElement).dataset.state).toBe('caught-up');
    const response = canvasElement.querySelector<HTMLElement>('[data-ds-streaming-message]')!;
    await waitForStatus(response, 'complete');
    expect(contentOf(response)).toBe(expectedAnswer('Missed entirely', 30));
  },
};

/** Custom texts through `labels`. */
export const CustomLabels: Story = {
  args: { labels: { reconnecting: 'Offline — your messages will wait' } },
  play: async ({ canvasElement, loaded }) => {
    await connected(canvasElement);
    (loaded.world as DemoWorld).tab(1).disconnect();
    await waitFor(() => expect(bannerOf(canvasElement).textContent).toBe('Offline — your messages will wait'), STREAM_TIMEOUT);
  },
};
