import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ApprovalPrompt, type ApprovalPromptProps } from '../src/components/approval-prompt.js';
import { microtaskScheduler } from '../src/core/frame-scheduler.js';
import { createSessionController } from '../src/core/session-controller.js';
import { createMemoryTransport } from '../src/transports/memory.js';
import { createDemoWorld, type DemoWorld } from './support/demo-world.js';
import { EMAIL_CALL, toolHandler } from './support/part-handlers.js';
import { chat, STREAM_TIMEOUT } from './support/play.js';
import { SessionFrame } from './support/session-frame.js';
import { useAgents } from './support/use-agents.js';

function Frame({ world, tabs = 1, ...props }: Omit<ApprovalPromptProps, 'toolCallId'> & { world: DemoWorld; tabs?: number }): ReactNode {
  useAgents(world, [{ agentId: 'demo', handler: toolHandler('awaiting-approval') }]);
  return (
    <div data-playground-panes="" data-panes={tabs}>
      {Array.from({ length: tabs }, (_, i) => (
        <SessionFrame key={i} world={world} tab={i + 1} label={`Tab ${i + 1}`}>
          <ApprovalPrompt toolCallId={EMAIL_CALL} {...props} />
        </SessionFrame>
      ))}
    </div>
  );
}

const prompt = (scope: HTMLElement) => scope.querySelector<HTMLElement>('[data-ds-approval-prompt]');

/** Asks the story's agent for the email and waits until `scope` shows the prompt waiting. */
async function waiting(scope: HTMLElement, world: DemoWorld): Promise<HTMLElement> {
  await world.agentReady('demo');
  await world.send('Email the team');
  await waitFor(() => expect(prompt(scope)?.dataset.state).toBe('waiting'), STREAM_TIMEOUT);
  return prompt(scope)!;
}

const meta = {
  title: 'Components/ApprovalPrompt',
  component: ApprovalPrompt,
  args: { toolCallId: EMAIL_CALL },
  loaders: [async () => ({ world: createDemoWorld() })],
  render: (args, { loaded }) => <Frame world={loaded.world as DemoWorld} {...args} />,
} satisfies Meta<typeof ApprovalPrompt>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Waiting for a person; decided from the keyboard alone (Tab to Approve, Enter). */
export const ApproveWithKeyboard: Story = {
  play: async ({ canvasElement, loaded }) => {
    const el = await waiting(canvasElement, loaded.world as DemoWorld);
    expect(within(el).getByText('Waiting for approval')).toBeTruthy();
    within(el).getByRole('textbox', { name: 'Reason for denying (optional)' }).focus();
    await userEvent.tab();
    expect(document.activeElement).toBe(within(el).getByRole('button', { name: 'Approve' }));
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(el.dataset.state).toBe('approved'), STREAM_TIMEOUT);
    expect(within(el).getByRole('status').textContent).toBe('Approved by you');
  },
};

/** This tab's decision is on its way (a slow network): both buttons are `aria-disabled` and ignore clicks. */
export const Sending: Story = {
  play: async ({ canvasElement, loaded }) => {
    const world = loaded.world as DemoWorld;
    const el = await waiting(canvasElement, world);
    world.tab(1).setLatency(600);
    await userEvent.click(within(el).getByRole('button', { name: 'Deny' }));
    expect(el.dataset.state).toBe('sending');
    expect(within(el).getByRole('status').textContent).toBe('Denying…');
    for (const name of ['Approve', 'Deny']) expect(within(el).getByRole('button', { name }).getAttribute('aria-disabled')).toBe('true');
    await userEvent.click(within(el).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(el.dataset.state).toBe('denied'), STREAM_TIMEOUT);
    expect(within(el).getByRole('status').textContent).toBe('Denied by you');
  },
};

/** Two tabs of one session: bob, another participant, denies with a reason; both tabs show it. */
export const DecidedElsewhere: Story = {
  render: (args, { loaded }) => <Frame world={loaded.world as DemoWorld} tabs={2} {...args} />,
  play: async ({ canvasElement, loaded }) => {
    const world = loaded.world as DemoWorld;
    const tab1 = chat(canvasElement, 'Tab 1');
    const tab2 = chat(canvasElement, 'Tab 2');
    await waiting(tab1, world);
    await waitFor(() => expect(prompt(tab2)?.dataset.state).toBe('waiting'), STREAM_TIMEOUT);
    const bob = createSessionController({ transport: createMemoryTransport({ broker: world.broker, clientId: 'bob' }), sessionId: world.sessionId, scheduler: microtaskScheduler });
    await bob.start();
    try {
      const r = await bob.deny(EMAIL_CALL, { reason: 'wait for legal' });
      expect(r.ok).toBe(true);
      for (const tab of [tab1, tab2]) {
        await waitFor(() => expect(prompt(tab)?.dataset.state).toBe('denied'), STREAM_TIMEOUT);
        expect(within(prompt(tab)!).getByRole('status').textContent).toBe('Denied by bob: wait for legal');
        expect(within(tab).queryByRole('button', { name: 'Approve' })).toBeNull();
      }
    } finally {
      await bob.stop();
    }
  },
};

/** Stopped before anyone decided: the prompt says so and offers nothing to click. */
export const Expired: Story = {
  play: async ({ canvasElement, loaded }) => {
    const world = loaded.world as DemoWorld;
    await world.agentReady('demo');
    const turnId = await world.send('Email the team');
    await waitFor(() => expect(prompt(canvasElement)?.dataset.state).toBe('waiting'), STREAM_TIMEOUT);
    await world.cancel(turnId);
    await waitFor(() => expect(prompt(canvasElement)?.dataset.state).toBe('expired'), STREAM_TIMEOUT);
    expect(within(prompt(canvasElement)!).getByRole('status').textContent).toBe('Not decided: the response ended');
    expect(within(canvasElement).queryByRole('button', { name: 'Approve' })).toBeNull();
  },
};

/** Labels are replaceable, e.g. for another language. */
export const CustomLabels: Story = {
  args: { labels: { waiting: 'En attente de validation', approve: 'Valider', deny: 'Refuser', reason: 'Motif (facultatif)', decided: (d, by) => `${d.approved ? 'Validé' : 'Refusé'} par ${by}` } },
  play: async ({ canvasElement, loaded }) => {
    const el = await waiting(canvasElement, loaded.world as DemoWorld);
    await userEvent.click(within(el).getByRole('button', { name: 'Valider' }));
    await waitFor(() => expect(within(el).getByRole('status').textContent).toBe('Validé par you'), STREAM_TIMEOUT);
  },
};
