import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useState, type ReactNode } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { DurableChat } from '../src/components/durable-chat.js';
import { demoToolText, demoWeather } from '../src/agent/demo/index.js';
import { criticHandler } from './support/critic-handler.js';
import { createDemoWorld, expectedAnswer, type AgentSpec } from './support/demo-world.js';
import { bannerOf, chat, contentOf, lastResponse, responses, sendMessage, STREAM_TIMEOUT, waitForAgent, waitForStatus, waitForStreaming } from './support/play.js';
import { useAgents } from './support/use-agents.js';

export interface PlaygroundProps {
  /** Words per second the demo agent streams. */
  tokensPerSecond: number;
  /** Words per answer. */
  tokens: number;
  /** Added network latency on every connection, in ms. */
  latencyMs: number;
  /** Tab 1's connection is down (publishes queue; the stream resumes when it comes back). */
  dropConnection: boolean;
  /** Open the same session in a second tab, side by side. */
  secondTab: boolean;
  /** A second agent answers every message too. */
  secondAgent: boolean;
}

/**
 * The whole kit in one page: two tabs of one user on one session, the demo agent (and optionally a
 * second one) running in the browser, and switches for the network.
 */
function Playground({ tokensPerSecond, tokens, latencyMs, dropConnection, secondTab, secondAgent }: PlaygroundProps): ReactNode {
  const [world] = useState(() => createDemoWorld({ sessionId: 'playground', latencyMs }));
  const [dropped, setDropped] = useState(dropConnection);
  const tab1 = world.tab(1);

  useEffect(() => setDropped(dropConnection), [dropConnection]);
  useEffect(() => world.setLatency(latencyMs), [world, latencyMs]);
  useEffect(() => {
    if (dropped) tab1.disconnect();
    else void tab1.reconnect();
  }, [tab1, dropped]);

  const agents: (AgentSpec | null)[] = [
    { agentId: 'demo', name: 'demo', tokensPerSecond, tokens },
    secondAgent ? { agentId: 'critic', name: 'critic', handler: criticHandler(tokensPerSecond) } : null,
  ];
  useAgents(world, agents);

  return (
    <div data-playground="">
      <div role="toolbar" aria-label="Network" data-playground-toolbar="">
        <button type="button" aria-pressed={dropped} onClick={() => setDropped((d) => !d)}>
          {dropped ? 'Reconnect tab 1' : 'Drop tab 1 connection'}
        </button>
        <button type="button" onClick={() => void tab1.forceDiscontinuity()}>
          Reconnect tab 1 without resume
        </button>
      </div>
      <div data-playground-panes="" data-panes={secondTab ? 2 : 1}>
        <DurableChat label="Tab 1" sessionId={world.sessionId} transport={tab1} device="This laptop" tabId="tab-1" />
        {secondTab && <DurableChat label="Tab 2" sessionId={world.sessionId} transport={world.tab(2)} device="This laptop" tabId="tab-2" />}
      </div>
    </div>
  );
}

const meta = {
  title: 'Playground',
  component: Playground,
  parameters: { layout: 'fullscreen' },
  args: { tokensPerSecond: 12, tokens: 80, latencyMs: 30, dropConnection: false, secondTab: true, secondAgent: false },
  argTypes: {
    tokensPerSecond: { control: { type: 'range', min: 1, max: 100, step: 1 } },
    tokens: { control: { type: 'range', min: 5, max: 400, step: 5 } },
    latencyMs: { control: { type: 'range', min: 0, max: 2000, step: 10 } },
  },
} satisfies Meta<typeof Playground>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Everything at once; use the controls, the toolbar, stop (or Esc) and the steer field. */
export const Default: Story = {};

/** Drop tab 1 mid-stream: the banner says so, and on reconnect the answer resumes with the exact text. */
export const DropConnection: Story = {
  args: { secondTab: false, tokensPerSecond: 25, tokens: 40, latencyMs: 0 },
  play: async ({ canvasElement }) => {
    const tab1 = chat(canvasElement, 'Tab 1');
    const banner = bannerOf(tab1);
    await waitForAgent(tab1);
    const prompt = 'Survive a network blip';
    await sendMessage(tab1, prompt);
    const response = await waitForStreaming(tab1, 2);
    await userEvent.click(within(canvasElement).getByRole('button', { name: 'Drop tab 1 connection' }));
    await waitFor(() => expect(banner.textContent).toBe('Reconnecting…'), STREAM_TIMEOUT);
    const frozen = contentOf(response);
    await userEvent.click(within(canvasElement).getByRole('button', { name: 'Reconnect tab 1' }));
    await waitFor(() => expect(banner.textContent).toBe('Resumed — nothing lost'), STREAM_TIMEOUT);
    expect(banner.dataset.state).toBe('resumed');
    await waitForStatus(response, 'complete');
    expect(contentOf(response)).toBe(expectedAnswer(prompt, 40));
    expect(contentOf(response).startsWith(frozen)).toBe(true);
  },
};

/** A reconnect that cannot resume: the thread catches up from history, still with the exact text. */
export const ReconnectWithoutResume: Story = {
  args: { secondTab: false, tokensPerSecond: 25, tokens: 40, latencyMs: 0 },
  play: async ({ canvasElement }) => {
    const tab1 = chat(canvasElement, 'Tab 1');
    const banner = bannerOf(tab1);
    await waitForAgent(tab1);
    const prompt = 'Lose continuity';
    await sendMessage(tab1, prompt);
    const response = await waitForStreaming(tab1, 2);
    await userEvent.click(within(canvasElement).getByRole('button', { name: 'Reconnect tab 1 without resume' }));
    await waitFor(() => expect(banner.textContent).toBe('Caught up from history'), STREAM_TIMEOUT);
    await waitForStatus(lastResponse(tab1), 'complete');
    expect(responses(tab1)).toHaveLength(1);
    expect(contentOf(lastResponse(tab1))).toBe(expectedAnswer(prompt, 40));
  },
};

/** The second tab mirrors the stream live, and both tabs see you on 2 tabs. */
export const SecondTab: Story = {
  args: { secondTab: true, tokensPerSecond: 25, tokens: 30, latencyMs: 0 },
  play: async ({ canvasElement }) => {
    const tab1 = chat(canvasElement, 'Tab 1');
    const tab2 = chat(canvasElement, 'Tab 2');
    await within(tab1).findByText('You on 2 tabs', {}, STREAM_TIMEOUT);
    await within(tab2).findByText('You on 2 tabs', {}, STREAM_TIMEOUT);
    await waitForAgent(tab1);
    const prompt = 'Follow me across tabs';
    await sendMessage(tab1, prompt);
    await within(tab2).findByText(prompt, {}, STREAM_TIMEOUT);
    const mirrored = await waitForStreaming(tab2, 1);
    const source = lastResponse(tab1);
    await waitForStatus(source, 'complete');
    await waitForStatus(mirrored, 'complete');
    expect(contentOf(mirrored)).toBe(expectedAnswer(prompt, 30));
    expect(contentOf(source)).toBe(contentOf(mirrored));
  },
};

/** Two agents answer one turn; each response carries its agent's badge. */
export const SecondAgent: Story = {
  args: { secondTab: false, secondAgent: true, tokensPerSecond: 40, tokens: 20, latencyMs: 0 },
  play: async ({ canvasElement }) => {
    const tab1 = chat(canvasElement, 'Tab 1');
    await waitForAgent(tab1, 'demo');
    await waitForAgent(tab1, 'critic');
    await sendMessage(tab1, 'Two opinions please');
    await waitFor(() => {
      const rs = responses(tab1);
      expect(rs.map((r) => r.dataset.agentId).sort()).toEqual(['critic', 'demo']);
      for (const r of rs) expect(r.dataset.status).toBe('complete');
    }, STREAM_TIMEOUT);
    const critic = responses(tab1).find((r) => r.dataset.agentId === 'critic')!;
    expect(contentOf(critic).startsWith('Review:')).toBe(true);
  },
};

const textOf = (response: HTMLElement) => [...response.querySelectorAll('[data-part="text"]')].map((t) => t.textContent).join('');

/** The demo agent asks before it sends an email: the prompt shows in both tabs, tab 2 approves, both see who did. */
export const ToolNeedsApproval: Story = {
  args: { secondTab: true, tokensPerSecond: 40, tokens: 20, latencyMs: 0 },
  play: async ({ canvasElement }) => {
    const tab1 = chat(canvasElement, 'Tab 1');
    const tab2 = chat(canvasElement, 'Tab 2');
    await waitForAgent(tab1);
    await sendMessage(tab1, 'Email the team a summary of this session');
    for (const tab of [tab1, tab2]) await within(tab).findByRole('button', { name: 'Approve' }, STREAM_TIMEOUT);
    expect(lastResponse(tab1).querySelector<HTMLElement>('[data-ds-tool-call]')!.dataset.state).toBe('awaiting-approval');
    await userEvent.click(within(tab2).getByRole('button', { name: 'Approve' }));
    for (const tab of [tab1, tab2]) {
      const response = lastResponse(tab);
      await waitForStatus(response, 'complete');
      const call = response.querySelector<HTMLElement>('[data-ds-tool-call]')!;
      expect(call.dataset.state).toBe('output-available');
      expect(within(call).getByRole('status').textContent).toBe('Approved by you');
      expect(within(tab).queryByRole('button', { name: 'Approve' })).toBeNull();
      expect(textOf(response)).toBe(demoToolText.sent('team@example.com'));
    }
  },
};

/** Weather: reasoning (collapsed), the tool's input streaming as partial JSON, its output, a cited source, the answer. */
export const ToolWithStreamingInput: Story = {
  args: { secondTab: false, tokensPerSecond: 6, tokens: 20, latencyMs: 0 },
  play: async ({ canvasElement }) => {
    const tab1 = chat(canvasElement, 'Tab 1');
    await waitForAgent(tab1);
    await sendMessage(tab1, "What's the weather in Paris?");
    await waitFor(() => {
      const call = lastResponse(tab1).querySelector<HTMLElement>('[data-ds-tool-call]');
      expect(call?.dataset.state).toBe('input-streaming');
      expect(call!.querySelector('[data-part="input"]')?.textContent?.length).toBeGreaterThan(0);
    }, STREAM_TIMEOUT);
    const response = lastResponse(tab1);
    await waitForStatus(response, 'complete');
    const w = demoWeather('Paris');
    expect(textOf(response)).toBe(demoToolText.weatherAnswer(w));
    expect(within(response).getByText(/^Thought for \d+ s$/).closest('details')!.open).toBe(false);
    expect(JSON.parse(response.querySelector('[data-ds-tool-call] [data-part="output"]')!.textContent!)).toEqual(w);
    expect(within(response).getByRole('link', { name: 'Weather in Paris' })).toBeTruthy();
  },
};
