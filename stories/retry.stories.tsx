// Stories of an answer whose agent died: interrupted in the tab, retried into version 2 by a standby,
// regenerated once complete, and paged between versions — driven by real agents on the memory broker.
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import type { Agent } from '../src/agent/create-agent.js';
import { createDemoAgent } from '../src/agent/demo/index.js';
import { ChatRoot } from '../src/components/durable-chat.js';
import { MessageList } from '../src/components/message-list.js';
import { StreamingMessage } from '../src/components/streaming-message.js';
import { DurableSessionProvider } from '../src/react/durable-session-provider.js';
import { createMemoryTransport, type MemoryTransport } from '../src/transports/memory.js';
import { createDemoWorld, expectedAnswer, type DemoWorld } from './support/demo-world.js';
import { contentOf, STREAM_TIMEOUT, waitForStatus } from './support/play.js';

interface RetryWorld {
  world: DemoWorld;
  /** Closes the answering instance's connection, as a crash does. */
  kill: () => Promise<void>;
  stop: () => void;
}

/**
 * One agent answering and a standby of it that answers retries only (it leaves the dead instance's
 * answer to the reader, rather than taking it over).
 */
async function retryWorld(tokensPerSecond: number, tokens: number): Promise<RetryWorld> {
  const world = createDemoWorld();
  const started: { agent: Agent; transport: MemoryTransport }[] = [];
  for (const standby of [false, true]) {
    const transport = createMemoryTransport({ broker: world.broker, clientId: 'agent-demo' });
    const agent = createDemoAgent({ transport, sessionId: world.sessionId, instanceId: standby ? 'standby' : 'primary', standby, takeover: 'off', tokensPerSecond, tokens, thinkMs: 0 });
    await agent.start();
    started.push({ agent, transport });
  }
  return {
    world,
    kill: () => started[0].transport.close(),
    stop: () => {
      for (const s of started) void s.agent.stop().finally(() => s.transport.close());
    },
  };
}

function Frame({ world, children }: { world: DemoWorld; children: ReactNode }): ReactNode {
  return (
    <DurableSessionProvider sessionId={world.sessionId} transport={world.tab(1)} options={{ agentGoneMs: 200 }}>
      <ChatRoot label="Chat">{children}</ChatRoot>
    </DurableSessionProvider>
  );
}

const PROMPT = 'Tell me about retries';
const TOKENS = 40;
const answer = (root: HTMLElement) => root.querySelector<HTMLElement>('[data-ds-streaming-message]') ?? root;

/** Sends the prompt and kills the agent once some words are out; resolves with the kept text. */
async function interrupt(root: HTMLElement, r: RetryWorld): Promise<string> {
  await r.world.send(PROMPT);
  await waitFor(() => expect(contentOf(answer(root)).split(' ').length).toBeGreaterThan(3), STREAM_TIMEOUT);
  const el = answer(root);
  await r.kill();
  await waitForStatus(el, 'interrupted');
  return contentOf(el);
}

const meta = {
  title: 'Components/StreamingMessage/Retry and versions',
  component: StreamingMessage,
  loaders: [async () => ({ retry: await retryWorld(15, TOKENS) })],
  beforeEach: ({ loaded }) => () => (loaded.retry as RetryWorld | undefined)?.stop(),
  render: (_args, { loaded }) => (
    <Frame world={(loaded.retry as RetryWorld).world}>
      <StreamingMessage />
    </Frame>
  ),
} satisfies Meta<typeof StreamingMessage>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The agent's process died mid-answer: every tab shows it interrupted, keeps the text, offers Retry. */
export const Interrupted: Story = {
  play: async ({ canvasElement, loaded }) => {
    const kept = await interrupt(canvasElement, loaded.retry as RetryWorld);
    const el = answer(canvasElement);
    expect(within(el).getByText('The assistant stopped responding').dataset.ending).toBe('interrupted');
    expect(kept.length).toBeGreaterThan(0);
    expect(expectedAnswer(PROMPT, TOKENS).startsWith(kept)).toBe(true);
    expect(el.querySelector('[data-part="cursor"]')).toBeNull();
    expect(within(el).getByRole('button', { name: 'Retry' })).toBeTruthy();
  },
};

/** Retry from the keyboard: the standby answers afresh, shown as version 2 of 2. */
export const RetryMakesVersion2: Story = {
  play: async ({ canvasElement, loaded }) => {
    await interrupt(canvasElement, loaded.retry as RetryWorld);
    const el = answer(canvasElement);
    within(el).getByRole('button', { name: 'Retry' }).focus();
    await userEvent.keyboard('{Enter}');
    await waitForStatus(el, 'complete');
    expect(contentOf(el)).toBe(expectedAnswer(PROMPT, TOKENS));
    expect(within(el).getByRole('group', { name: 'Versions' }).textContent).toBe('‹2 / 2›');
    expect(within(el).getByRole('button', { name: 'Regenerate' })).toBeTruthy();
  },
};

/** A complete answer offers Regenerate; another answer to the same turn becomes version 2. */
export const Regenerate: Story = {
  loaders: [async () => ({ retry: await retryWorld(200, 12) })],
  play: async ({ canvasElement, loaded }) => {
    await (loaded.retry as RetryWorld).world.send('Say it again');
    const el = answer(canvasElement);
    await waitForStatus(el, 'complete');
    await userEvent.click(within(el).getByRole('button', { name: 'Regenerate' }));
    await waitFor(() => expect(within(el).getByRole('group', { name: 'Versions' }).textContent).toBe('‹2 / 2›'), STREAM_TIMEOUT);
    await waitForStatus(el, 'complete');
    expect(contentOf(el)).toBe(expectedAnswer('Say it again', 12));
  },
};

/** In the thread, the turn keeps one row for the agent; ‹ and › page between its versions. */
export const VersionSwitching: Story = {
  render: (_args, { loaded }) => (
    <Frame world={(loaded.retry as RetryWorld).world}>
      <MessageList />
    </Frame>
  ),
  play: async ({ canvasElement, loaded }) => {
    const kept = await interrupt(canvasElement, loaded.retry as RetryWorld);
    const el = answer(canvasElement);
    await userEvent.click(within(el).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(within(el).queryByRole('group', { name: 'Versions' })).not.toBeNull(), STREAM_TIMEOUT);
    await waitForStatus(el, 'complete');
    expect(canvasElement.querySelectorAll('[data-ds-streaming-message]')).toHaveLength(1);

    await userEvent.click(within(el).getByRole('button', { name: 'Previous version' }));
    expect(el.dataset.status).toBe('interrupted');
    expect(contentOf(el)).toBe(kept);
    expect(within(el).getByRole('group', { name: 'Versions' }).textContent).toBe('‹1 / 2›');
    await userEvent.click(within(el).getByRole('button', { name: 'Next version' }));
    expect(el.dataset.status).toBe('complete');
    expect(contentOf(el)).toBe(expectedAnswer(PROMPT, TOKENS));
  },
};
