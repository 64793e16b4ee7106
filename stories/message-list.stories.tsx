import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { MessageList, type MessageListProps } from '../src/components/message-list.js';
import { criticHandler } from './support/critic-handler.js';
import { createDemoWorld, editedWorld, expectedAnswer, failingHandler, seededQuestion, seedHistory, seededWorld, type DemoWorld } from './support/demo-world.js';
import { renderMarkdown } from './support/markdown.js';
import { contentOf, responses, STREAM_TIMEOUT, waitForStatus } from './support/play.js';
import { SessionFrame } from './support/session-frame.js';
import { useAgents } from './support/use-agents.js';

function Frame({ world, ...props }: MessageListProps & { world: DemoWorld }): ReactNode {
  return (
    <SessionFrame world={world}>
      <MessageList {...props} />
    </SessionFrame>
  );
}

const fast = { tokensPerSecond: 500, tokens: 20, thinkMs: 0 };

const history = () =>
  seededWorld([
    { prompt: 'What is a durable session?', agent: { agentId: 'demo', ...fast } },
    { prompt: 'Write me an essay', agent: { agentId: 'demo', tokensPerSecond: 40, tokens: 400, thinkMs: 0 }, outcome: 'cancelled' },
    { prompt: 'Try the flaky tool', agent: { agentId: 'demo', handler: failingHandler(['Calling', 'the', 'tool'], 'Tool timed out') } },
  ]);

const meta = {
  title: 'Components/MessageList',
  component: MessageList,
  loaders: [async () => ({ world: await history() })],
  render: (args, { loaded }) => <Frame world={loaded.world as DemoWorld} {...args} />,
} satisfies Meta<typeof MessageList>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Nothing sent yet. */
export const Empty: Story = {
  loaders: [async () => ({ world: createDemoWorld() })],
  play: async ({ canvasElement }) => {
    expect(within(canvasElement).getByText('No messages yet.')).toBeTruthy();
    expect(within(canvasElement).getByRole('region', { name: 'Chat messages' }).tabIndex).toBe(0);
  },
};

/** From history: a complete answer, a cancelled one and a failed one, in channel order. */
export const WithHistory: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByText('Try the flaky tool', {}, STREAM_TIMEOUT);
    await waitFor(() => expect(responses(canvasElement).map((r) => r.dataset.status)).toEqual(['complete', 'cancelled', 'error']), STREAM_TIMEOUT);
    expect(contentOf(responses(canvasElement)[0])).toBe(expectedAnswer('What is a durable session?', 20));
    expect(canvas.getByText('Cancelled')).toBeTruthy();
    expect(canvas.getByText('Error: Tool timed out')).toBeTruthy();
    const roles = [...canvasElement.querySelectorAll<HTMLElement>('[data-ds-message]')].map((li) => li.dataset.role);
    expect(roles).toEqual(['user', 'agent', 'user', 'agent', 'user', 'agent']);
  },
};

/**
 * A new answer streams under finished ones. Finished rows keep their DOM nodes: rows are keyed by
 * entry and memoised, so streaming touches only the last row.
 */
export const Streaming: Story = {
  play: async ({ canvasElement, loaded }) => {
    const world = loaded.world as DemoWorld;
    await waitFor(() => expect(responses(canvasElement)).toHaveLength(3), STREAM_TIMEOUT);
    const before = responses(canvasElement);
    const firstText = before[0].querySelector('[data-part="content"]')!.firstChild;
    const agent = world.startAgent({ agentId: 'demo', tokensPerSecond: 40, tokens: 30, thinkMs: 0 });
    await agent.ready;
    const turnId = await world.send('One more');
    await waitFor(() => expect(responses(canvasElement)).toHaveLength(4), STREAM_TIMEOUT);
    const live = responses(canvasElement)[3];
    await waitForStatus(live, 'complete');
    await world.settled(turnId);
    agent.stop();
    expect(contentOf(live)).toBe(expectedAnswer('One more', 30));
    const after = responses(canvasElement);
    for (let i = 0; i < 3; i++) expect(after[i]).toBe(before[i]);
    expect(after[0].querySelector('[data-part="content"]')!.firstChild).toBe(firstText);
  },
};

/** Two agents answered one turn: two responses, each with its own badge. */
export const MultiAgent: Story = {
  loaders: [
    async () => {
      const world = createDemoWorld();
      const a = world.startAgent({ agentId: 'demo', ...fast });
      const b = world.startAgent({ agentId: 'critic', handler: criticHandler(500, 12) });
      await Promise.all([a.ready, b.ready]);
      await world.settled(await world.send('Plan a trip'));
      a.stop();
      b.stop();
      return { world };
    },
  ],
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(responses(canvasElement).map((r) => r.dataset.agentId).sort()).toEqual(['critic', 'demo']), STREAM_TIMEOUT);
    const badges = [...canvasElement.querySelectorAll<HTMLElement>('[data-ds-agent-badge]')].map((b) => b.dataset.agentId).sort();
    expect(badges).toEqual(['critic', 'demo']);
    const turnIds = new Set([...canvasElement.querySelectorAll<HTMLElement>('[data-ds-message]')].map((li) => li.dataset.turnId));
    expect(turnIds.size).toBe(1);
  },
};

/**
 * Two agents streaming one turn: each response has its own Stop, so stopping the critic leaves the
 * demo agent running to completion.
 */
export const MultiAgentStopOne: Story = {
  loaders: [
    async () => {
      const world = createDemoWorld();
      const a = world.startAgent({ agentId: 'demo', tokensPerSecond: 40, tokens: 60, thinkMs: 0 });
      const b = world.startAgent({ agentId: 'critic', handler: criticHandler(40, 200) });
      await Promise.all([a.ready, b.ready]);
      const turnId = await world.send('Plan a trip');
      await world.started(turnId);
      return { world };
    },
  ],
  play: async ({ canvasElement }) => {
    const byAgent = (id: string) => responses(canvasElement).find((r) => r.dataset.agentId === id);
    await waitFor(() => {
      expect(byAgent('critic')?.dataset.status).toBe('streaming');
      expect(byAgent('demo')?.dataset.status).toBe('streaming');
    }, STREAM_TIMEOUT);
    const stop = within(byAgent('critic')!).getByRole('button', { name: 'Stop critic' });
    stop.click();
    await waitForStatus(byAgent('critic')!, 'cancelled');
    expect(byAgent('demo')!.dataset.status).toBe('streaming');
    await waitForStatus(byAgent('demo')!, 'complete');
    expect(contentOf(byAgent('demo')!)).toBe(expectedAnswer('Plan a trip', 60));
  },
};

/** `renderContent` applies to every response in the list. */
export const WithRenderContent: Story = {
  args: { renderContent: renderMarkdown },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(responses(canvasElement)).toHaveLength(3), STREAM_TIMEOUT);
    expect(canvasElement.querySelectorAll('[data-markdown]')).toHaveLength(3);
  },
};

const PROMPT = 'What is a durable session?';
const EDITED = 'What is a durable session, in one line?';


const questions = (root: HTMLElement) => [...root.querySelectorAll('[data-ds-user-message] > [data-part="content"]')].map((p) => p.textContent);
const rows = (root: HTMLElement) => root.querySelectorAll('li[data-ds-message]');
const editField = (root: HTMLElement) => within(root).queryByRole<HTMLTextAreaElement>('textbox', { name: 'Edit your message' });

/**
 * An edited message: the tab shows the newest branch, "2 / 2"; ‹ shows the original message and the
 * answer it had, in place.
 */
export const EditedMessage: Story = {
  loaders: [async () => ({ world: await editedWorld(PROMPT, EDITED, { agentId: 'demo', ...fast }) })],
  play: async ({ canvasElement }) => {
    const picker = await within(canvasElement).findByRole('group', { name: 'Branches' }, STREAM_TIMEOUT);
    await waitFor(() => expect(picker.textContent).toBe('‹2 / 2›'), STREAM_TIMEOUT);
    expect(questions(canvasElement)).toEqual([EDITED]);
    await waitFor(() => expect(responses(canvasElement).map(contentOf)).toEqual([expectedAnswer(EDITED, 20)]), STREAM_TIMEOUT);
    expect(within(picker).getByRole('button', { name: 'Next branch' }).getAttribute('aria-disabled')).toBe('true');

    const previous = within(picker).getByRole('button', { name: 'Previous branch' });
    await userEvent.click(previous);
    expect(picker.textContent).toBe('‹1 / 2›');
    expect(picker.dataset.index).toBe('0');
    expect(questions(canvasElement)).toEqual([PROMPT]);
    expect(responses(canvasElement).map(contentOf)).toEqual([expectedAnswer(PROMPT, 20)]);
    expect(document.activeElement).toBe(previous);
    expect(previous.getAttribute('aria-disabled')).toBe('true');
  },
};

/** Editing your message in its row: Edit opens the editor with the text, Esc closes it, focus returns to Edit. */
export const Editing: Story = {
  loaders: [async () => ({ world: await seededWorld([{ prompt: PROMPT, agent: { agentId: 'demo', ...fast } }]) })],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Edit message' }, STREAM_TIMEOUT));
    const field = editField(canvasElement)!;
    expect(field.value).toBe(PROMPT);
    expect(document.activeElement).toBe(field);
    expect(canvas.getByRole('button', { name: 'Save' }).getAttribute('aria-disabled')).toBe('true');

    await userEvent.keyboard('{Escape}');
    expect(editField(canvasElement)).toBeNull();
    expect(questions(canvasElement)).toEqual([PROMPT]);
    const edit = canvas.getByRole('button', { name: 'Edit message' });
    await waitFor(() => expect(document.activeElement).toBe(edit));

    // Open again from the keyboard: the story ends with the editor open, for the axe check.
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(document.activeElement).toBe(editField(canvasElement)));
  },
};

function WithAgent({ world }: { world: DemoWorld }): ReactNode {
  useAgents(world, [{ agentId: 'demo', ...fast }]);
  return <Frame world={world} />;
}

/** Saving an edit (Enter) sends it as a new branch; the agent answers it and the picker shows 2 / 2. */
export const EditAndSave: Story = {
  loaders: [async () => ({ world: await seededWorld([{ prompt: PROMPT, agent: { agentId: 'demo', ...fast } }]) })],
  render: (_args, { loaded }) => <WithAgent world={loaded.world as DemoWorld} />,
  play: async ({ canvasElement, loaded }) => {
    await (loaded.world as DemoWorld).agentReady('demo');
    await userEvent.click(await within(canvasElement).findByRole('button', { name: 'Edit message' }, STREAM_TIMEOUT));
    const field = editField(canvasElement)!;
    await userEvent.clear(field);
    await userEvent.type(field, `${EDITED}{Enter}`);
    const picker = await within(canvasElement).findByRole('group', { name: 'Branches' }, STREAM_TIMEOUT);
    await waitFor(() => expect(picker.textContent).toBe('‹2 / 2›'), STREAM_TIMEOUT);
    expect(questions(canvasElement)).toEqual([EDITED]);
    await waitFor(() => expect(responses(canvasElement).map((r) => r.dataset.status)).toEqual(['complete']), STREAM_TIMEOUT);
    expect(contentOf(responses(canvasElement)[0])).toBe(expectedAnswer(EDITED, 20));
    expect(editField(canvasElement)).toBeNull();
  },
};

/** 150 turns of history written before the tab opened (300 messages, three pages). */
function longWorld(): DemoWorld {
  const world = createDemoWorld();
  seedHistory(world, 150);
  return world;
}

/**
 * A long session opens on its newest page (50 turns). "Load earlier messages" — also what scrolling
 * near the top does — reads the page before it, above the rows already there.
 */
export const OlderHistory: Story = {
  loaders: [async () => ({ world: longWorld() })],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(rows(canvasElement)).toHaveLength(100), STREAM_TIMEOUT);
    expect(questions(canvasElement)[0]).toBe(seededQuestion(100));
    const top = rows(canvasElement)[0];
    await userEvent.click(canvas.getByRole('button', { name: 'Load earlier messages' }));
    await waitFor(() => expect(rows(canvasElement)).toHaveLength(200), STREAM_TIMEOUT);
    expect(questions(canvasElement)[0]).toBe(seededQuestion(50));
    expect(rows(canvasElement)[100]).toBe(top);
    expect(canvas.getByRole('button', { name: 'Load earlier messages' })).toBeTruthy();
  },
};

/** While an older page is on its way (here: the connection dropped), a polite status stands where the button was. */
export const LoadingOlder: Story = {
  loaders: [async () => ({ world: longWorld() })],
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(rows(canvasElement)).toHaveLength(100), STREAM_TIMEOUT);
    (loaded.world as DemoWorld).tab(1).disconnect();
    await userEvent.click(canvas.getByRole('button', { name: 'Load earlier messages' }));
    const status = await canvas.findByRole('status');
    expect(status.textContent).toBe('Loading earlier messages…');
    expect(status.dataset.part).toBe('older');
    expect(canvas.queryByRole('button', { name: 'Load earlier messages' })).toBeNull();
    expect(rows(canvasElement)).toHaveLength(100);
  },
};
