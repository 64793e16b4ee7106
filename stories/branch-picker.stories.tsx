import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { BranchPicker, type BranchPickerProps } from '../src/components/branch-picker.js';
import { useThread } from '../src/react/use-thread.js';
import { createDemoWorld, editedWorld, expectedAnswer, seededWorld, type DemoWorld } from './support/demo-world.js';
import { STREAM_TIMEOUT } from './support/play.js';
import { SessionFrame } from './support/session-frame.js';

type Target = 'user' | 'response';
type FrameProps = Omit<BranchPickerProps, 'messageKey'> & { target: Target };

/** The first message of `target`'s kind on the shown path, with its picker beside it. */
function PickerFor({ target, ...props }: FrameProps): ReactNode {
  const { messages } = useThread();
  const message = messages.find((m) => m.kind === target);
  if (!message) return null;
  return (
    <div data-ds-story-message="">
      <p data-testid="shown">{message.text}</p>
      <BranchPicker messageKey={message.key} {...props} />
    </div>
  );
}

const fast = { tokensPerSecond: 500, tokens: 12, thinkMs: 0 };
const PROMPT = 'Name a durable thing';
const EDITED = 'Name two durable things';


/** One message whose answer was regenerated: two versions of the demo agent's answer. */
async function regeneratedWorld(): Promise<DemoWorld> {
  const world = createDemoWorld();
  const agent = world.startAgent({ agentId: 'demo', ...fast });
  await agent.ready;
  const turnId = await world.send(PROMPT);
  await world.settled(turnId);
  await world.regenerate(turnId);
  await waitFor(async () => expect(await world.settled(turnId)).toBe('complete'), STREAM_TIMEOUT);
  agent.stop();
  return world;
}

const meta = {
  title: 'Components/BranchPicker',
  args: { target: 'user' },
  loaders: [async () => ({ world: await editedWorld(PROMPT, EDITED, { agentId: 'demo', ...fast }) })],
  render: (args, { loaded }) => (
    <SessionFrame world={loaded.world as DemoWorld}>
      <PickerFor {...args} />
    </SessionFrame>
  ),
} satisfies Meta<FrameProps>;

export default meta;
type Story = StoryObj<typeof meta>;

const shown = (root: HTMLElement) => within(root).getByTestId('shown').textContent;

/** An edited message: "2 / 2" shows the edit; ‹ pages to the original, and stops there. */
export const EditedMessage: Story = {
  play: async ({ canvasElement }) => {
    const picker = await within(canvasElement).findByRole('group', { name: 'Branches' }, STREAM_TIMEOUT);
    await waitFor(() => expect(picker.textContent).toBe('‹2 / 2›'), STREAM_TIMEOUT);
    expect(picker.dataset.count).toBe('2');
    expect(shown(canvasElement)).toBe(EDITED);
    const previous = within(picker).getByRole('button', { name: 'Previous branch' });
    const next = within(picker).getByRole('button', { name: 'Next branch' });
    expect(next.getAttribute('aria-disabled')).toBe('true');

    await userEvent.click(previous);
    await waitFor(() => expect(shown(canvasElement)).toBe(PROMPT));
    expect(picker.textContent).toBe('‹1 / 2›');
    expect(picker.dataset.index).toBe('0');
    expect(previous.getAttribute('aria-disabled')).toBe('true');
    // At the end the button keeps focus and does nothing.
    await userEvent.click(previous);
    expect(picker.dataset.index).toBe('0');
    expect(document.activeElement).toBe(previous);

    await userEvent.keyboard('{Tab}{Enter}');
    await waitFor(() => expect(shown(canvasElement)).toBe(EDITED));
    expect(picker.textContent).toBe('‹2 / 2›');
  },
};

/** On an answer, the picker pages between the agent's versions of it. */
export const AnswerVersions: Story = {
  args: { target: 'response' },
  loaders: [async () => ({ world: await regeneratedWorld() })],
  play: async ({ canvasElement }) => {
    const picker = await within(canvasElement).findByRole('group', { name: 'Branches' }, STREAM_TIMEOUT);
    await waitFor(() => expect(picker.textContent).toBe('‹2 / 2›'), STREAM_TIMEOUT);
    await userEvent.click(within(picker).getByRole('button', { name: 'Previous branch' }));
    await waitFor(() => expect(picker.textContent).toBe('‹1 / 2›'));
    expect(shown(canvasElement)).toBe(expectedAnswer(PROMPT, 12));
  },
};

/** A message never edited has one branch: the picker renders nothing. */
export const SingleBranch: Story = {
  loaders: [async () => ({ world: await seededWorld([{ prompt: PROMPT, agent: { agentId: 'demo', ...fast } }]) })],
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(shown(canvasElement)).toBe(PROMPT), STREAM_TIMEOUT);
    expect(canvasElement.querySelector('[data-ds-branch-picker]')).toBeNull();
  },
};

/** `labels` rename the group and its buttons, e.g. for another language. */
export const CustomLabels: Story = {
  args: { labels: { group: 'Versionen', previous: 'Vorherige', next: 'Nächste' } },
  play: async ({ canvasElement }) => {
    const picker = await within(canvasElement).findByRole('group', { name: 'Versionen' }, STREAM_TIMEOUT);
    expect(within(picker).getByRole('button', { name: 'Vorherige' })).toBeTruthy();
    expect(within(picker).getByRole('button', { name: 'Nächste' }).getAttribute('aria-disabled')).toBe('true');
  },
};
