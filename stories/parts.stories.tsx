import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { FileAttachment } from '../src/components/file-attachment.js';
import { Reasoning } from '../src/components/reasoning.js';
import { Sources } from '../src/components/sources.js';
import { StreamingMessage } from '../src/components/streaming-message.js';
import type { Turn } from '../src/agent/create-agent.js';
import type { DataPart } from '../src/core/parts.js';
import { createDemoWorld, type AgentSpec, type DemoWorld } from './support/demo-world.js';
import { everyPartHandler, MAP_SVG } from './support/part-handlers.js';
import { STREAM_TIMEOUT, waitForStatus } from './support/play.js';
import { SessionFrame } from './support/session-frame.js';
import { useAgents } from './support/use-agents.js';

/** An app's renderer for `data-progress` parts. */
const dataRenderers = {
  progress: (p: DataPart) => {
    const pct = (p.data as { pct: number }).pct;
    return (
      <label>
        Progress <progress max={100} value={pct} /> {pct}%
      </label>
    );
  },
};

function Live({ world, agent }: { world: DemoWorld; agent: AgentSpec }): ReactNode {
  useAgents(world, [agent]);
  return (
    <SessionFrame world={world}>
      <StreamingMessage dataRenderers={dataRenderers} />
    </SessionFrame>
  );
}

const hold = (turn: Turn) => new Promise<void>((r) => turn.signal.addEventListener('abort', () => r()));

const meta = {
  title: 'Components/Parts',
  parameters: { docs: { description: { component: 'Reasoning, Sources, FileAttachment and data parts, alone and inside a response.' } } },
  loaders: [async () => ({ world: createDemoWorld() })],
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

const start = async (world: DemoWorld) => {
  await world.agentReady('demo');
  await world.send('Show me everything');
};

/** Reasoning while the agent thinks: "Thinking…", collapsed, streaming into the hidden body. */
export const ReasoningStreaming: Story = {
  render: (_a, { loaded }) => (
    <Live
      world={loaded.world as DemoWorld}
      agent={{
        agentId: 'demo',
        handler: (turn) => {
          turn.reasoning('First I read the question, ');
          return hold(turn);
        },
      }}
    />
  ),
  play: async ({ canvasElement, loaded }) => {
    await start(loaded.world as DemoWorld);
    const el = await waitFor(() => {
      const d = canvasElement.querySelector<HTMLDetailsElement>('[data-ds-reasoning]');
      expect(d).not.toBeNull();
      return d!;
    }, STREAM_TIMEOUT);
    expect(el.dataset.state).toBe('streaming');
    expect(el.open).toBe(false);
    expect(within(el).getByText('Thinking…')).toBeTruthy();
  },
};

/** Reasoning done: "Thought for 4 s"; the summary (a native `<summary>`, so Enter and Space work too) expands it. */
export const ReasoningDone: Story = {
  render: () => <Reasoning part={{ text: 'The user wants the weather, so I call the weather tool.', state: 'done', durationMs: 4200 }} />,
  play: async ({ canvasElement }) => {
    const el = canvasElement.querySelector<HTMLDetailsElement>('[data-ds-reasoning]')!;
    const summary = within(el).getByText('Thought for 4 s');
    expect(el.open).toBe(false);
    await userEvent.click(summary);
    await waitFor(() => expect(el.open).toBe(true));
    expect(el.dataset.state).toBe('done');
    expect(within(el).getByText(/I call the weather tool/).checkVisibility()).toBe(true);
  },
};

/** Citations: web sources are links that open in a new tab; a document id is text; unsafe URLs are never links. */
export const SourcesList: Story = {
  render: () => (
    <Sources
      sources={[
        { id: 's1', url: 'https://weather.example/paris', title: 'Weather in Paris' },
        { id: 's2', documentId: 'doc-42', title: 'Internal climate notes' },
        { id: 's3', url: 'javascript:alert(1)', title: 'A hostile link' },
      ]}
    />
  ),
  play: async ({ canvasElement }) => {
    const list = within(canvasElement).getByRole('list', { name: 'Sources' });
    const link = within(list).getByRole('link', { name: 'Weather in Paris' });
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(within(list).getAllByRole('link')).toHaveLength(1);
    expect(within(list).getByText('A hostile link').closest('a')).toBeNull();
  },
};

/** Files: an image with alt text, a document as a link, and a blocked URL as plain text. */
export const Files: Story = {
  render: () => (
    <div>
      <FileAttachment file={{ mediaType: 'image/svg+xml', url: MAP_SVG, name: 'Map of Paris' }} />
      <FileAttachment file={{ mediaType: 'application/pdf', url: 'https://example.com/forecast.pdf' }} />
      <FileAttachment file={{ mediaType: 'text/html', url: 'javascript:alert(1)', name: 'page.html' }} />
    </div>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    expect(canvas.getByRole('img', { name: 'Map of Paris' }).getAttribute('src')).toBe(MAP_SVG);
    const pdf = canvas.getByRole('link', { name: 'forecast.pdf' });
    expect(pdf.getAttribute('href')).toBe('https://example.com/forecast.pdf');
    expect(canvas.getByText('page.html').closest('a')).toBeNull();
    expect(canvasElement.querySelector('[href^="javascript"], [src^="javascript"]')).toBeNull();
  },
};

/** A whole response with every part, in the order the agent wrote them; data drawn by the app's renderer. */
export const EveryPartInAResponse: Story = {
  render: (_a, { loaded }) => <Live world={loaded.world as DemoWorld} agent={{ agentId: 'demo', handler: everyPartHandler() }} />,
  play: async ({ canvasElement, loaded }) => {
    await start(loaded.world as DemoWorld);
    const el = canvasElement.querySelector<HTMLElement>('[data-ds-streaming-message]')!;
    await waitForStatus(el, 'complete');
    const content = el.querySelector<HTMLElement>('[data-part="content"]')!;
    const kinds = [...content.children].map((c) => (c as HTMLElement).dataset.part ?? Object.keys((c as HTMLElement).dataset)[0]);
    expect(kinds).toEqual(['dsReasoning', 'text', 'dsToolCall', 'data', 'text', 'dsFileAttachment', 'dsFileAttachment', 'dsSources', 'text']);
    expect(within(content).getByRole('progressbar').getAttribute('value')).toBe('100');
    expect(within(content).getByText('<b>Markup stays text.</b>')).toBeTruthy();
    expect(content.querySelector('b')).toBeNull();
    expect(within(content).getByRole('img', { name: 'Map of Paris' })).toBeTruthy();
  },
};

/** Data parts without a renderer are not shown: apps decide what their data looks like. */
export const DataWithoutRenderer: Story = {
  render: (_a, { loaded }) => {
    const world = loaded.world as DemoWorld;
    return <Bare world={world} />;
  },
  play: async ({ canvasElement, loaded }) => {
    await start(loaded.world as DemoWorld);
    const el = canvasElement.querySelector<HTMLElement>('[data-ds-streaming-message]')!;
    await waitForStatus(el, 'complete');
    expect(el.querySelector('[data-part="data"]')).toBeNull();
    expect(el.querySelector('[data-ds-tool-call]')).not.toBeNull();
  },
};

function Bare({ world }: { world: DemoWorld }): ReactNode {
  useAgents(world, [{ agentId: 'demo', handler: everyPartHandler() }]);
  return (
    <SessionFrame world={world}>
      <StreamingMessage />
    </SessionFrame>
  );
}
