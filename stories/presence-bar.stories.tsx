import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, type ReactNode } from 'react';
import { expect, within } from 'storybook/test';
import { PresenceBar, type PresenceBarProps } from '../src/components/presence-bar.js';
import { criticHandler } from './support/critic-handler.js';
import { createDemoWorld, type DemoWorld } from './support/demo-world.js';
import { STREAM_TIMEOUT } from './support/play.js';
import { SessionFrame } from './support/session-frame.js';
import { useAgents } from './support/use-agents.js';

interface Scene {
  /** Your other tabs and devices (headless, present in the session). */
  myTabs?: { device: string }[];
  /** Other people: one entry per tab. */
  people?: { clientId: string; name: string; device: string }[];
  agents?: string[];
}

function Frame({ world, scene, ...props }: PresenceBarProps & { world: DemoWorld; scene: Scene }): ReactNode {
  useAgents(
    world,
    (scene.agents ?? []).map((agentId) => ({ agentId, handler: criticHandler(20) })),
  );
  useEffect(() => {
    const left: Promise<() => void>[] = [];
    (scene.myTabs ?? []).forEach((t, i) => left.push(world.join({ device: t.device, tabId: `other-tab-${i}` })));
    (scene.people ?? []).forEach((p, i) => left.push(world.join({ clientId: p.clientId, name: p.name, device: p.device, tabId: `${p.clientId}-${i}` })));
    return () => {
      for (const l of left) void l.then((leave) => leave());
    };
  }, [world, scene]);
  return (
    <SessionFrame world={world}>
      <PresenceBar {...props} />
    </SessionFrame>
  );
}

const meta = {
  title: 'Components/PresenceBar',
  component: PresenceBar,
  loaders: [async () => ({ world: createDemoWorld() })],
  render: (args, { loaded, parameters }) => <Frame world={loaded.world as DemoWorld} scene={(parameters.scene as Scene | undefined) ?? {}} {...args} />,
} satisfies Meta<typeof PresenceBar>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Just you, in this tab. */
export const Alone: Story = {
  play: async ({ canvasElement }) => {
    await within(canvasElement).findByText('You on 1 tab', {}, STREAM_TIMEOUT);
  },
};

/** The same session open in a second tab of this device. */
export const TwoTabs: Story = {
  parameters: { scene: { myTabs: [{ device: 'This laptop' }] } },
  play: async ({ canvasElement }) => {
    await within(canvasElement).findByText('You on 2 tabs', {}, STREAM_TIMEOUT);
  },
};

/** You on a laptop and a phone, another person on two tabs, and two agents. */
export const EveryoneHere: Story = {
  parameters: {
    scene: {
      myTabs: [{ device: 'Phone' }],
      people: [
        { clientId: 'alex', name: 'Alex', device: 'Desktop' },
        { clientId: 'alex', name: 'Alex', device: 'Desktop' },
      ],
      agents: ['researcher', 'writer'],
    },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByText('You on 2 tabs · 2 devices', {}, STREAM_TIMEOUT);
    await canvas.findByText('Alex (2 tabs)', {}, STREAM_TIMEOUT);
    const agents = await canvas.findByRole('list', { name: 'Agents' }, STREAM_TIMEOUT);
    await within(agents).findByText('writer', {}, STREAM_TIMEOUT);
    await within(agents).findByText('researcher', {}, STREAM_TIMEOUT);
    expect(canvasElement.querySelector<HTMLElement>('[data-ds-presence-bar]')!.dataset.agents).toBe('2');
  },
};
