import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { AgentBadge } from '../src/components/agent-badge.js';

const meta = {
  title: 'Components/AgentBadge',
  component: AgentBadge,
  args: { agentId: 'researcher' },
} satisfies Meta<typeof AgentBadge>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The agent id as its name. */
export const Default: Story = {
  play: async ({ canvasElement }) => {
    const badge = within(canvasElement).getByText('researcher');
    expect(badge.dataset.agentId).toBe('researcher');
    expect(Number(badge.dataset.hue)).toBeGreaterThanOrEqual(0);
  },
};

/** A display name; the colour still follows the id. */
export const Named: Story = {
  args: { name: 'Research assistant' },
  play: async ({ canvasElement }) => {
    expect(within(canvasElement).getByText('Research assistant').dataset.agentId).toBe('researcher');
  },
};

const STATES = ['idle', 'thinking', 'streaming', 'offline'] as const;

/** Every agent state, as `data-agent-state`. */
export const States: Story = {
  render: () => (
    <p>
      {STATES.map((s) => (
        <AgentBadge key={s} agentId={`agent-${s}`} name={s} state={s} />
      ))}
    </p>
  ),
  play: async ({ canvasElement }) => {
    for (const s of STATES) expect(within(canvasElement).getByText(s).dataset.agentState).toBe(s);
  },
};

const TEAM = ['planner', 'researcher', 'writer', 'critic', 'coder', 'reviewer', 'demo'];

/** A multi-agent team: one colour per agent id, stable across renders and sessions. */
export const Team: Story = {
  render: () => (
    <p>
      {TEAM.map((id) => (
        <AgentBadge key={id} agentId={id} />
      ))}
    </p>
  ),
  play: async ({ canvasElement }) => {
    const hues = TEAM.map((id) => within(canvasElement).getByText(id).dataset.hue);
    expect(new Set(hues).size).toBeGreaterThan(1);
  },
};
