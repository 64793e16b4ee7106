import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
import { expect, waitFor, within } from 'storybook/test';
import { StreamingMessage, type StreamingMessageProps } from '../src/components/streaming-message.js';
import { createDemoWorld, expectedAnswer, failingHandler, scriptedHandler, seededWorld, type AgentSpec, type DemoWorld } from './support/demo-world.js';
import { renderMarkdown } from './support/markdown.js';
import { contentOf, STREAM_TIMEOUT, waitForStatus } from './support/play.js';
import { SessionFrame } from './support/session-frame.js';
import { useAgents } from './support/use-agents.js';

function Frame({ world, agents = [], ...props }: StreamingMessageProps & { world: DemoWorld; agents?: AgentSpec[] }): ReactNode {
  useAgents(world, agents);
  return (
    <SessionFrame world={world}>
      <StreamingMessage {...props} />
    </SessionFrame>
  );
}

const message = (root: HTMLElement) => root.querySelector<HTMLElement>('[data-ds-streaming-message]')!;

const meta = {
  title: 'Components/StreamingMessage',
  component: StreamingMessage,
  args: { responseId: 'latest' },
  loaders: [async () => ({ world: createDemoWorld() })],
  render: (args, { loaded }) => <Frame world={loaded.world as DemoWorld} {...args} />,
} satisfies Meta<typeof StreamingMessage>;

export default meta;
type Story = StoryObj<typeof meta>;

/** No response yet: rendered but hidden (`data-status="idle"`), so its live region already exists. */
export const Idle: Story = {
  play: async ({ canvasElement }) => {
    expect(message(canvasElement).dataset.status).toBe('idle');
    expect(contentOf(message(canvasElement))).toBe('');
  },
};

const slow: AgentSpec = { agentId: 'demo', tokensPerSecond: 6, tokens: 400, thinkMs: 0 };

/** Streaming: a cursor after the text, `aria-busy`, and nothing in the announcer yet. */
export const Streaming: Story = {
  render: (args, { loaded }) => <Frame world={loaded.world as DemoWorld} agents={[slow]} {...args} />,
  play: async ({ canvasElement, loaded }) => {
    const world = loaded.world as DemoWorld;
    await world.agentReady('demo');
    await world.started(await world.send('Keep talking'));
    const el = message(canvasElement);
    await waitForStatus(el, 'streaming');
    expect(el.querySelector('[data-part="cursor"]')).not.toBeNull();
    expect(el.getAttribute('aria-busy')).toBe('true');
    expect(el.querySelector('[data-part="announcer"]')!.textContent).toBe('');
  },
};

/** Complete, from history: no cursor, no ending line, and history is not announced. */
export const Complete: Story = {
  loaders: [async () => ({ world: await seededWorld([{ prompt: 'Say something', agent: { agentId: 'demo', tokensPerSecond: 500, tokens: 30, thinkMs: 0 } }]) })],
  play: async ({ canvasElement }) => {
    const el = message(canvasElement);
    await waitForStatus(el, 'complete');
    expect(contentOf(el)).toBe(expectedAnswer('Say something', 30));
    expect(el.querySelector('[data-part="cursor"]')).toBeNull();
    expect(el.querySelector('[data-part="ending"]')).toBeNull();
    expect(el.querySelector('[data-part="announcer"]')!.textContent).toBe('');
  },
};

/** A live answer ends: the announcer receives the whole answer once, at the end. */
export const AnnouncedOnCompletion: Story = {
  render: (args, { loaded }) => <Frame world={loaded.world as DemoWorld} agents={[{ agentId: 'demo', tokensPerSecond: 40, tokens: 12, thinkMs: 0 }]} {...args} />,
  play: async ({ canvasElement, loaded }) => {
    const world = loaded.world as DemoWorld;
    await world.agentReady('demo');
    await world.send('Short answer');
    const el = message(canvasElement);
    const announcer = el.querySelector('[data-part="announcer"]')!;
    await waitForStatus(el, 'streaming');
    expect(announcer.textContent).toBe('');
    await waitForStatus(el, 'complete');
    expect(announcer.getAttribute('aria-live')).toBe('polite');
    expect(announcer.textContent).toBe(`demo: ${expectedAnswer('Short answer', 12)}`);
  },
};

/** Cancelled by the user: the text so far stays, with a visible "Cancelled" ending. */
export const Cancelled: Story = {
  loaders: [
    async () => ({ world: await seededWorld([{ prompt: 'Stop me', agent: { agentId: 'demo', tokensPerSecond: 40, tokens: 400, thinkMs: 0 }, outcome: 'cancelled' }]) }),
  ],
  play: async ({ canvasElement }) => {
    const el = message(canvasElement);
    await waitForStatus(el, 'cancelled');
    expect(within(el).getByText('Cancelled').dataset.ending).toBe('cancelled');
    expect(contentOf(el).length).toBeGreaterThan(0);
    expect(expectedAnswer('Stop me', 400).startsWith(contentOf(el))).toBe(true);
  },
};

/** The agent failed: its error message is shown as the ending. */
export const Error: Story = {
  loaders: [
    async () => ({
      world: await seededWorld([{ prompt: 'Try hard', agent: { agentId: 'demo', handler: failingHandler(['Working', 'on', 'it'], 'The model is overloaded') } }]),
    }),
  ],
  play: async ({ canvasElement }) => {
    const el = message(canvasElement);
    await waitForStatus(el, 'error');
    expect(within(el).getByText('Error: The model is overloaded')).toBeTruthy();
    expect(contentOf(el)).toBe('Working on it');
  },
};

/** Joined mid-stream (a reload or a new tab): marked "resumed", then streams on to the exact answer. */
export const Resumed: Story = {
  render: (args, { loaded }) => {
    const world = loaded.world as DemoWorld;
    return <Frame world={world} {...args} />;
  },
  loaders: [
    async () => {
      const world = createDemoWorld();
      const agent = world.startAgent({ agentId: 'demo', tokensPerSecond: 30, tokens: 40, thinkMs: 0 });
      await agent.ready;
      await world.started(await world.send('Pick me up halfway'));
      return { world, agent };
    },
  ],
  beforeEach: ({ loaded }) => () => (loaded.agent as { stop: () => void } | undefined)?.stop(),
  play: async ({ canvasElement }) => {
    const el = message(canvasElement);
    await waitFor(() => expect(el.dataset.resumed).toBe(''), STREAM_TIMEOUT);
    expect(within(el).getByText('resumed')).toBeTruthy();
    await waitForStatus(el, 'complete');
    expect(contentOf(el)).toBe(expectedAnswer('Pick me up halfway', 40));
  },
};

/** Live deliveries lost in transit: the hole is filled from history and the text is still exact. */
export const GapFilledFromHistory: Story = {
  render: (args, { loaded }) => <Frame world={loaded.world as DemoWorld} agents={[{ agentId: 'demo', tokensPerSecond: 40, tokens: 40, thinkMs: 0 }]} {...args} />,
  play: async ({ canvasElement, loaded }) => {
    const world = loaded.world as DemoWorld;
    await world.agentReady('demo');
    const turnId = await world.send('Lossy network');
    await world.started(turnId);
    world.tab(1).dropNext(3);
    const el = message(canvasElement);
    await world.settled(turnId);
    await waitForStatus(el, 'complete');
    expect(contentOf(el)).toBe(expectedAnswer('Lossy network', 40));
  },
};

const MARKDOWN = [
  '## Durable sessions',
  'A response is **one message** grown by *appends*, so `history` returns it whole.',
  '- survives reloads',
  '- follows you across tabs',
  '- stops and steers mid-sentence',
  'Raw HTML stays text: <img src=x onerror="alert(1)">',
].join('\n');

/** `renderContent` plugs in a markdown renderer; agent text that looks like HTML is still text. */
export const MarkdownContent: Story = {
  args: { renderContent: renderMarkdown },
  loaders: [async () => ({ world: await seededWorld([{ prompt: 'Use markdown', agent: { agentId: 'writer', handler: scriptedHandler(MARKDOWN) } }]) })],
  play: async ({ canvasElement }) => {
    const el = message(canvasElement);
    await waitForStatus(el, 'complete');
    const content = within(el.querySelector<HTMLElement>('[data-part="content"]')!);
    expect(content.getByRole('heading', { name: 'Durable sessions' })).toBeTruthy();
    expect(content.getByText('one message').tagName).toBe('STRONG');
    expect(content.getAllByRole('listitem')).toHaveLength(3);
    expect(el.querySelector('img')).toBeNull();
    expect(content.getByText(/Raw HTML stays text: <img src=x/)).toBeTruthy();
  },
};

/** Without `renderContent` the same text is plain text: markdown syntax and HTML shown verbatim. */
export const PlainText: Story = {
  loaders: [async () => ({ world: await seededWorld([{ prompt: 'Use markdown', agent: { agentId: 'writer', handler: scriptedHandler(MARKDOWN) } }]) })],
  play: async ({ canvasElement }) => {
    const el = message(canvasElement);
    await waitForStatus(el, 'complete');
    expect(contentOf(el)).toBe(MARKDOWN);
    expect(el.querySelector('img, strong, ul')).toBeNull();
  },
};
